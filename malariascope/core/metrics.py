"""Screening metrics from labels and probabilities (scikit-learn does the counting)."""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm


def expected_calibration_error(labels: np.ndarray, probs: np.ndarray, bins: int = 15) -> float:
    """Mean gap between confidence and accuracy over equal-width bins of P(parasitized)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            error += in_bin.mean() * abs(probs[in_bin].mean() - labels[in_bin].mean())
    return float(error)


def screening_metrics(labels: np.ndarray, probs: np.ndarray, threshold: float) -> dict:
    """Accuracy, sensitivity, specificity, precision, F1, AUC, ECE, confusion and n.

    ``confusion`` is ``[[TN, FP], [FN, TP]]`` with parasitized as the positive class. No cells
    at all (fields annotated with none but difficult ones) give NaN figures, not an error:
    cell finding's figures beside them still stand.
    """
    labels = np.asarray(labels, dtype=int)
    probs = np.asarray(probs, dtype=float)
    if labels.size == 0:
        return _no_cells(threshold)
    calls = (probs >= threshold).astype(int)
    confusion = skm.confusion_matrix(labels, calls, labels=[0, 1])
    both_classes = len(np.unique(labels)) == 2
    return {
        "accuracy": float(skm.accuracy_score(labels, calls)),
        "sensitivity": float(skm.recall_score(labels, calls, zero_division=0)),
        "specificity": float(skm.recall_score(1 - labels, 1 - calls, zero_division=0)),
        "precision": float(skm.precision_score(labels, calls, zero_division=0)),
        "f1": float(skm.f1_score(labels, calls, zero_division=0)),
        "auc": float(skm.roc_auc_score(labels, probs)) if both_classes else float("nan"),
        "ece": expected_calibration_error(labels, probs),
        "n": int(labels.size),
        "threshold": float(threshold),
        "confusion": confusion.tolist(),
    }


def _no_cells(threshold: float) -> dict:
    """:func:`screening_metrics` of no cells: every rate undefined."""
    nan = float("nan")
    rates = dict.fromkeys(("accuracy", "sensitivity", "specificity", "precision", "f1", "auc",
                           "ece"), nan)
    return {**rates, "n": 0, "threshold": float(threshold), "confusion": [[0, 0], [0, 0]]}
