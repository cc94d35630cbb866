"""Screening metrics from labels and probabilities (scikit-learn does the counting).

scikit-learn is imported by :func:`screening_metrics` only: the app reads the metrics of its
model card without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from malariascope.core.cardvalues import CardValues

RATES = ("accuracy", "sensitivity", "specificity", "precision", "f1", "auc", "ece")


@dataclass(frozen=True)
class ScreeningMetrics:
    """How well calls at ``threshold`` match labels, with parasitized the positive class.

    Rates are NaN when undefined: all of them with no cells, ``auc`` with one class only, a
    rate whose denominator holds no cell (specificity with no uninfected cell).
    """

    accuracy: float
    sensitivity: float
    specificity: float
    precision: float
    f1: float
    auc: float
    ece: float  #: expected calibration error of P(parasitized)
    n: int
    threshold: float
    confusion: tuple[tuple[int, int], tuple[int, int]]  #: ((TN, FP), (FN, TP))

    def to_dict(self) -> dict:
        """The figures by name, as the JSON outputs and the model card hold them."""
        return {**{name: getattr(self, name) for name in RATES}, "n": self.n,
                "threshold": self.threshold, "confusion": [list(row) for row in self.confusion]}

    @classmethod
    def from_dict(cls, values: CardValues) -> ScreeningMetrics:
        """The metrics a model card holds (see :meth:`to_dict`), each value checked."""
        rates = {name: values.real(name, nan=True) for name in RATES}
        confusion = values.data.get("confusion")
        cells = [cell for row in confusion for cell in row] if _is_2x2(confusion) else []
        values.check(len(cells) == 4 and all(type(c) is int and c >= 0 for c in cells),
                     "confusion", "[[TN, FP], [FN, TP]] of whole numbers", confusion)
        (tn, fp), (fn, tp) = confusion
        return cls(**rates, n=values.whole("n"), threshold=values.real("threshold"),
                   confusion=((tn, fp), (fn, tp)))

    def format(self) -> str:
        """The figures as lines for the terminal; an undefined one reads ``n/a``."""
        (tn, fp), (fn, tp) = self.confusion
        return "\n".join([
            f"accuracy     {rate_text(self.accuracy)}",
            f"sensitivity  {rate_text(self.sensitivity)}   specificity "
            f"{rate_text(self.specificity)}",
            f"precision    {rate_text(self.precision)}   F1 {rate_text(self.f1)}",
            f"ROC AUC      {rate_text(self.auc)}   ECE {rate_text(self.ece)}",
            f"confusion    TN {tn}  FP {fp}  FN {fn}  TP {tp}   (threshold {self.threshold:.4f})",
        ])

    def brief(self) -> str:
        """The main figures on one line."""
        return " ".join(f"{name} {rate_text(getattr(self, name))}"
                        for name in ("accuracy", "sensitivity", "specificity", "auc", "ece"))


def rate_text(value: float) -> str:
    """A rate with four decimals, or ``n/a`` when it is undefined (NaN)."""
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def _is_2x2(value: object) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(row, list) and len(row) == 2 for row in value))


def expected_calibration_error(labels: np.ndarray, probs: np.ndarray, bins: int = 15) -> float:
    """Mean gap between confidence and accuracy over equal-width bins of P(parasitized).

    Parameters
    ----------
    labels, probs
        1 for each parasitized cell, and each cell's P(parasitized).
    bins
        Equal-width bins over [0, 1].

    Returns
    -------
    float
        The error, weighted by the share of cells in each bin.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            error += in_bin.mean() * abs(probs[in_bin].mean() - labels[in_bin].mean())
    return float(error)


def screening_metrics(labels: np.ndarray, probs: np.ndarray, threshold: float) -> ScreeningMetrics:
    """The metrics of calling ``probs`` at ``threshold`` against ``labels``.

    No cells at all (fields annotated with none but difficult ones) give NaN rates, not an
    error: cell finding's figures beside them still stand. A rate whose cells are absent is
    NaN too, not 0: specificity with no uninfected cell, precision with no cell called
    parasitized, AUC with one class.

    Parameters
    ----------
    labels, probs
        1 for each parasitized cell, and each cell's P(parasitized).
    threshold
        A cell at or above it is called parasitized.

    Returns
    -------
    ScreeningMetrics
    """
    from sklearn import metrics as skm

    labels = np.asarray(labels, dtype=int)
    probs = np.asarray(probs, dtype=float)
    if labels.size == 0:
        return ScreeningMetrics(*[math.nan] * len(RATES), n=0, threshold=float(threshold),
                                confusion=((0, 0), (0, 0)))
    calls = (probs >= threshold).astype(int)
    (tn, fp), (fn, tp) = skm.confusion_matrix(labels, calls, labels=[0, 1]).tolist()
    both_classes = len(np.unique(labels)) == 2
    return ScreeningMetrics(
        accuracy=float(skm.accuracy_score(labels, calls)),
        sensitivity=float(skm.recall_score(labels, calls, zero_division=math.nan)),
        specificity=float(skm.recall_score(1 - labels, 1 - calls, zero_division=math.nan)),
        precision=float(skm.precision_score(labels, calls, zero_division=math.nan)),
        f1=float(skm.f1_score(labels, calls, zero_division=math.nan)),
        auc=float(skm.roc_auc_score(labels, probs)) if both_classes else math.nan,
        ece=expected_calibration_error(labels, probs),
        n=int(labels.size),
        threshold=float(threshold),
        confusion=((tn, fp), (fn, tp)),
    )
