"""The figures of ``evaluate-fields``: cell finding, parasitemia and screening over all fields.

The rules behind each figure are those of :mod:`malariascope.core.fields.scoring`. Screening
figures are at the screening threshold (a cell above it is parasitized or uncertain, so flagged
either way); parasitemia comes from the field cells' calls at the field threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from malariascope.core.classifier import CallRule
from malariascope.core.errors import DatasetError
from malariascope.core.fields.annotations import PARASITIZED_TYPES
from malariascope.core.fields.scoring import MIN_IOU, TOUCH_IOU, UNSCORED, FieldScore
from malariascope.core.jsonfields import nan_as_null
from malariascope.core.metrics import ScreeningMetrics, rate_text, screening_metrics
from malariascope.core.words import counted


@dataclass(frozen=True)
class StageCounts:
    """The annotated cells of one parasite stage, and how many the model caught."""

    cells: int
    flagged: int  #: at the screening threshold (what sensitivity counts)
    called: int  #: at the field threshold (what parasitemia counts)


@dataclass(frozen=True)
class FieldSummary:
    """The evaluation of every field that could be used; NaN where a figure is undefined."""

    recall: float
    precision: float
    precision_annotated: float  #: among found cells touching an annotated box (``TOUCH_IOU``)
    recall_parasitized: float
    screening: ScreeningMetrics  #: of the annotated cells, at the screening threshold
    parasitemia_mae: float  #: percentage points, as the app calls the cells it finds
    parasitemia_mae_reviewed: float  #: after review of the uncertain cells
    parasitemia_mae_perfect_calls: float  #: with every found cell called as annotated
    uncertain_per_field: float
    cells_found: int
    cells_annotated_scored: int
    field_threshold: float
    seconds_per_field: float
    by_stage: dict[str, StageCounts]
    scores: tuple[FieldScore, ...]  #: one per field used
    unreadable: tuple[tuple[str, str], ...]  #: (image name, reason) of each field left out
    unscored: tuple[tuple[str, str], ...]  #: (image name, ``UNSCORED`` key) of each left out
    model: str = ""
    model_sha256: str = ""
    absent: tuple[str, ...] = ()  #: annotated fields not in the folder

    @property
    def balanced_accuracy(self) -> float:
        return (self.screening.sensitivity + self.screening.specificity) / 2

    @property
    def cells_parasitized(self) -> int:
        """Annotated cells screened that are parasitized (false negatives and true positives)."""
        return sum(self.screening.confusion[1])

    def to_dict(self) -> dict:
        """The figures as ``evaluate-fields --json`` writes them (NaN becomes null)."""
        screening = self.screening
        figures = {
            "recall": self.recall, "precision": self.precision,
            "precision_annotated": self.precision_annotated,
            "recall_parasitized": self.recall_parasitized,
            "balanced_accuracy": self.balanced_accuracy, "sensitivity": screening.sensitivity,
            "specificity": screening.specificity, "auc": screening.auc,
            "parasitemia_mae": self.parasitemia_mae,
            "parasitemia_mae_reviewed": self.parasitemia_mae_reviewed,
            "parasitemia_mae_perfect_calls": self.parasitemia_mae_perfect_calls,
            "uncertain_per_field": self.uncertain_per_field, "fields": len(self.scores),
            "cells": screening.n, "cells_parasitized": self.cells_parasitized,
            "cells_found": self.cells_found,
            "cells_annotated_scored": self.cells_annotated_scored,
            "threshold": screening.threshold, "field_threshold": self.field_threshold,
            "min_iou": MIN_IOU, "touch_iou": TOUCH_IOU,
            "confusion": [list(row) for row in screening.confusion],
            "seconds_per_field": self.seconds_per_field,
            "by_stage": {stage: vars(counts) for stage, counts in self.by_stage.items()},
            "per_field": [_row(score) for score in self.scores],
            "unreadable": [{"image": name, "error": error} for name, error in self.unreadable],
            **{key: [name for name, why in self.unscored if why == key] for key in UNSCORED},
            "model": self.model, "model_sha256": self.model_sha256, "absent": list(self.absent),
        }
        return nan_as_null(figures)

    def format(self) -> str:
        """A few readable lines for the terminal."""
        screening = self.screening
        lines = [
            f"model              {self.model}",
            f"fields             {len(self.scores)}  ({self.seconds_per_field:.2f} s each)",
            f"cell finding       recall {rate_text(self.recall)}  precision"
            f" {rate_text(self.precision)}  (IoU >= {MIN_IOU}; {self.cells_found} found,"
            f" {self.cells_annotated_scored} annotated)",
            f"                   precision among annotated cells"
            f" {rate_text(self.precision_annotated)}  (found cells touching an annotated one,"
            f" box IoU >= {TOUCH_IOU})",
            f"                   recall of parasitized cells {rate_text(self.recall_parasitized)}",
            f"parasitemia        mean absolute error {self.parasitemia_mae:.2f} points"
            f"  (field cells called at {self.field_threshold:.4f})",
            f"                   {self.parasitemia_mae_reviewed:.2f} points after review of"
            f" the uncertain cells ({self.uncertain_per_field:.1f} per field)",
            f"                   {self.parasitemia_mae_perfect_calls:.2f} points with every"
            " found cell called as annotated (cell finding's share)",
            f"screening          {counted(screening.n, 'annotated cell')}"
            f" ({self.cells_parasitized} parasitized): balanced accuracy"
            f" {rate_text(self.balanced_accuracy)}",
            f"                   sensitivity {rate_text(screening.sensitivity)}  specificity"
            f" {rate_text(screening.specificity)}  AUC {rate_text(screening.auc)}"
            f"  (threshold {screening.threshold:.4f})",
        ]
        for i, (stage, n) in enumerate(self.by_stage.items()):
            lines.append(f"{'by stage' if i == 0 else '':19}{stage:12} {n.flagged} of {n.cells}"
                         f" flagged, {n.called} called at the field threshold")
        return "\n".join(lines)


def summarize(scores: Sequence[FieldScore], rule: CallRule, model: str = "",
              model_sha256: str = "", absent: Sequence[str] = ()) -> FieldSummary:
    """The evaluation's figures over the fields scored.

    Parameters
    ----------
    scores
        One :class:`FieldScore` per annotated field; those with an error or left out by
        scoring are not in the figures.
    rule
        The call rule the fields were scored with.
    model, model_sha256, absent
        Which model it was, and the annotated fields missing from the folder.

    Returns
    -------
    FieldSummary
        The figures; a :class:`DatasetError` when no field could be used.
    """
    used = [s for s in scores if s.scored]
    if not used:
        raise DatasetError("no annotated field could be evaluated")
    matched = sum(s.matched for s in used)
    probabilities = np.concatenate([s.probabilities for s in used])
    return FieldSummary(
        recall=_ratio(matched, matched + sum(s.missed for s in used)),
        precision=_ratio(matched, matched + sum(s.false for s in used)),
        precision_annotated=_ratio(matched, matched + sum(s.false_touching for s in used)),
        recall_parasitized=_ratio(sum(s.matched_parasitized for s in used),
                                  sum(s.annotated_parasitized for s in used)),
        screening=screening_metrics(np.concatenate([s.labels for s in used]), probabilities,
                                    rule.threshold),
        parasitemia_mae=_mean_error(used, "predicted_parasitemia"),
        parasitemia_mae_reviewed=_mean_error(used, "reviewed_parasitemia"),
        parasitemia_mae_perfect_calls=_mean_error(used, "perfect_parasitemia"),
        uncertain_per_field=float(np.mean([s.uncertain for s in used])),
        cells_found=sum(s.found for s in used),
        cells_annotated_scored=sum(s.annotated for s in used),
        field_threshold=rule.threshold_for(in_field=True),
        seconds_per_field=float(np.mean([s.seconds for s in used])),
        by_stage=_by_stage([kind for s in used for kind in s.kinds], probabilities, rule),
        scores=tuple(used),
        unreadable=tuple((s.name, s.error) for s in scores if s.error),
        unscored=tuple((s.name, s.unscored) for s in scores if s.unscored),
        model=model, model_sha256=model_sha256, absent=tuple(absent),
    )


def _ratio(part: int, whole: int) -> float:
    """``part / whole``, NaN (n/a) when there is nothing to count: no parasitized cell
    annotated is no recall of them, not a recall of 0."""
    return part / whole if whole else math.nan


def _mean_error(scores: list[FieldScore], parasitemia: str) -> float:
    """Mean absolute difference of a parasitemia of each field from the annotated one."""
    return float(np.mean([abs(getattr(s, parasitemia) - s.annotated_parasitemia)
                          for s in scores]))


def _by_stage(kinds: list[str], probabilities: np.ndarray,
              rule: CallRule) -> dict[str, StageCounts]:
    """Per parasite stage present: annotated cells, those flagged and those called."""
    kinds = np.asarray(kinds, dtype=object)
    field_threshold = rule.threshold_for(in_field=True)
    stages = {}
    for stage in sorted(PARASITIZED_TYPES & set(kinds)):
        chosen = probabilities[kinds == stage]
        stages[stage] = StageCounts(cells=int(chosen.size),
                                    flagged=int((chosen >= rule.threshold).sum()),
                                    called=int((chosen >= field_threshold).sum()))
    return stages


def _row(s: FieldScore) -> dict:
    return {"image": s.name, "found": s.found, "annotated": s.annotated, "matched": s.matched,
            "missed": s.missed, "false": s.false, "false_touching": s.false_touching,
            "predicted_parasitemia": round(s.predicted_parasitemia, 3),
            "reviewed_parasitemia": round(s.reviewed_parasitemia, 3), "uncertain": s.uncertain,
            "annotated_parasitemia": round(s.annotated_parasitemia, 3),
            "seconds": round(s.seconds, 3)}
