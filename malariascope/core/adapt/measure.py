"""Held-out figures of an adaptation, before and after, by cross-validation over groups.

Every group (field, slide) is held out once: the whole adaptation (``fit.calibrate``) runs on
the other groups, and the held-out cells are scored as screening would score them. The base
model is scored on the same cells, so before and after are compared on equal terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from malariascope.core.adapt.auc import auc
from malariascope.core.adapt.cells import LabelledCells, group_folds
from malariascope.core.adapt.fit import Calibration, calibrate
from malariascope.core.logodds import log_odds


@dataclass(frozen=True)
class Figures:
    """How well a model calls held-out labelled cells.

    ``sensitivity``, ``specificity`` and ``balanced_accuracy`` are at the screening threshold
    (a cell flagged for review); ``field_*`` at the threshold counting cells of whole fields,
    over those cells only, with ``counted`` parasitized calls against ``parasitized_in_fields``
    labelled (None without field cells).
    """

    parasitized: int
    uninfected: int
    auc: float
    sensitivity: float
    specificity: float
    balanced_accuracy: float
    field_sensitivity: float | None = None
    field_specificity: float | None = None
    counted: int | None = None
    parasitized_in_fields: int | None = None

    def as_dict(self) -> dict:
        return {key: round(value, 4) if isinstance(value, float) else value
                for key, value in asdict(self).items()}


def figures(cells: LabelledCells, scores: np.ndarray, flagged: np.ndarray,
            counted: np.ndarray) -> Figures:
    """:class:`Figures` of ``cells`` from their ``scores`` and calls (``flagged`` at the
    screening threshold, ``counted`` at the counting one; only field cells' are used)."""
    keep = cells.labelled
    labels, flagged = cells.labels[keep] == 1, flagged[keep]
    sensitivity, specificity = _rates(labels, flagged)
    result = Figures(int(labels.sum()), int((~labels).sum()), auc(labels, scores[keep]),
                     sensitivity, specificity, (sensitivity + specificity) / 2)
    in_field = keep & (cells.fields != "")
    if not in_field.any():
        return result
    field_labels, calls = cells.labels[in_field] == 1, counted[in_field]
    field_sensitivity, field_specificity = _rates(field_labels, calls)
    return Figures(**{**asdict(result), "field_sensitivity": field_sensitivity,
                      "field_specificity": field_specificity, "counted": int(calls.sum()),
                      "parasitized_in_fields": int(field_labels.sum())})


def _rates(labels: np.ndarray, calls: np.ndarray) -> tuple[float, float]:
    sensitivity = float(calls[labels].mean()) if labels.any() else float("nan")
    specificity = float((~calls[~labels]).mean()) if (~labels).any() else float("nan")
    return sensitivity, specificity


#: Folds of the held-out measure: each adaptation measured sees nine tenths of the groups, so
#: its figures describe a model close to the one fitted on them all.
HELD_OUT_FOLDS = 10


def held_out(cells: LabelledCells, base: Calibration, folds: int = HELD_OUT_FOLDS,
             step: Callable[[], None] | None = None) -> tuple[Figures, Figures]:
    """Figures of the base model and of the adapted one on groups held out of its fit.

    Parameters
    ----------
    cells
        All labelled cells (and unlabelled field cells) of the adaptation.
    base
        The base model's calibration.
    folds
        Number of folds by group (fewer when there are fewer groups).
    step
        Called after each strength tried in each fold's fit (``fit.calibrate``), for progress.

    Returns
    -------
    tuple of Figures
        Before (base) and after (adapted) on the same held-out cells.
    """
    count = fold_count(cells, folds)
    fold = group_folds(cells.groups, cells.labels, count)
    before = _scored(base, cells)
    after = [np.empty(len(cells), dtype) for dtype in (float, bool, bool)]
    for f in range(count):
        held = fold == f
        calibration = calibrate(cells.subset(~held), base, step=step)
        for out, values in zip(after, _scored(calibration, cells.subset(held)), strict=True):
            out[held] = values
    return figures(cells, *before), figures(cells, *after)


def fold_count(cells: LabelledCells, folds: int = HELD_OUT_FOLDS) -> int:
    """The folds :func:`held_out` makes of ``cells``: ``folds``, or one per group if fewer."""
    return min(folds, len(set(cells.groups)))


def _scored(calibration: Calibration,
            cells: LabelledCells) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ranking scores, screening calls and counting calls of ``cells`` under ``calibration``.

    The ranking score is the log-odds' distance from the healthy cells' median in units of
    their spread (MAD): folds fitted apart differ in temperature and healthy statistics, and
    pooling their probabilities would rank cells of different folds on different scales. For
    cells of fields it is their place among their own field's cells, whatever the statistics.
    """
    values = calibration.log_odds(cells)
    median, spread = calibration.healthy or (0.0, 1.0)
    ranks = (values - median) / spread
    return (ranks, values >= log_odds(calibration.threshold),
            values >= log_odds(calibration.count_threshold))
