"""Score the field pipeline against reader annotations: cell finding, parasitemia, screening.

Rules, so that the figures mean the same every time:

- Cell finding: found boxes and annotated boxes are paired one-to-one (Hungarian assignment on
  box IoU, pairs below ``min_iou`` discarded). Annotated boxes typed ``difficult`` or cut by the
  image border (within the pipeline's own ``margin_px``, where it drops cells by design) are
  *ignored*: missing them is no miss, and a found cell paired with one is no false detection.
- Precision among annotated cells: the readers left patches of red cells unboxed, so a found cell
  is also counted the way the annotation allows, only where it touches an annotated cell (box IoU
  at least ``TOUCH_IOU`` with any annotated box): matched / (matched + false ones touching).
- Parasitemia per field: the calls over the cells that ``core.screening.screen_field`` finds
  and scores, as a screening run does (counted by ``core.tally`` as in the reports), against
  the annotation's parasitized / (parasitized + uninfected) over the same kind of cells
  (difficult and border-cut ones excluded); the error is in percentage points.
- Parasitemia with perfect calls: every found cell paired with an annotated cell takes its
  type, every other found cell counts as uninfected. What is left of the error is cell
  finding's share (cells missed, merged or found in excess).
- Parasitemia after review: the same count with every cell the app marks uncertain taking the
  annotated type of the cell it is paired with, as if the technician reviewed it; uncertain
  cells paired with no annotated (or a difficult) cell keep the model's call. It tells a lab
  what reviewing the amber cells buys, and how many cells per field that takes.
- Screening: every non-difficult annotated cell is cropped by :func:`crop_box` from its box and
  classified, its score standardized by the median and MAD of the field's found cells (or
  blended by them, for a model that blends), as the pipeline scores those; labels are the
  annotated types. Per parasite stage, the cells flagged (at the screening threshold) and
  called (at the field threshold) show which stages the model misses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from malariascope.core.classifier import CallRule, Classifier
from malariascope.core.errors import ImageReadError
from malariascope.core.fields.annotations import (
    PARASITIZED_TYPES,
    AnnotatedCell,
    AnnotationError,
    check_inside,
)
from malariascope.core.fields.boxes import box_iou
from malariascope.core.fields.cells import Box, crop_box, segment_field
from malariascope.core.fields.mask import FieldParams
from malariascope.core.imageio import read_image
from malariascope.core.screening import score_like_field, screen_field
from malariascope.core.tally import PARASITIZED, UNINFECTED, Counts, Verdict

MIN_IOU = 0.5
#: A found cell whose box overlaps an annotated box at least this much lies where the readers
#: boxed cells; below it, it may be one of the cells they left unboxed.
TOUCH_IOU = 0.1
#: Why a field that was read has no cell to score, by the key that lists such fields in
#: ``evaluate-fields --json``. Every cell found there would count as a false detection and
#: its annotated parasitemia would be an empty 0 %, so it is left out of the figures.
UNSCORED = {
    "not_annotated": "no cell annotated",
    "only_difficult": "every annotated cell is marked difficult",
    "only_at_border": "every annotated cell not marked difficult is cut by the image border",
}


@dataclass
class FieldScore:
    """What one annotated field contributed to the evaluation."""

    name: str
    found: int = 0
    annotated: int = 0  # annotated cells scored for cell finding (not ignored)
    matched: int = 0
    missed: int = 0
    false: int = 0  # found cells paired with no annotated cell
    false_touching: int = 0  # of ``false``, those touching an annotated cell (``TOUCH_IOU``)
    annotated_parasitized: int = 0  # of ``annotated``, those typed as parasitized
    matched_parasitized: int = 0
    predicted_parasitemia: float = 0.0
    reviewed_parasitemia: float = 0.0  # after the uncertain cells took their annotated type
    perfect_parasitemia: float = 0.0  # had every found cell been called as annotated
    uncertain: int = 0  # found cells marked uncertain (the technician's review)
    annotated_parasitemia: float = 0.0
    kinds: tuple[str, ...] = ()  # annotated type of each screened cell, as ``probabilities``
    probabilities: np.ndarray = field(default_factory=lambda: np.zeros(0))
    seconds: float = 0.0
    error: str = ""  # why the image or its annotations could not be used; left out of figures
    unscored: str = ""  # why a field read has no cell to score (a key of UNSCORED); left out

    @property
    def scored(self) -> bool:
        """True when the field is in the figures: it was read and has a cell to score."""
        return not (self.error or self.unscored)

    @property
    def labels(self) -> np.ndarray:
        """1 for each screened cell annotated parasitized, else 0."""
        return np.asarray([kind in PARASITIZED_TYPES for kind in self.kinds], int)


def match_boxes(found: Sequence[Box], truth: Sequence[Box],
                min_iou: float = MIN_IOU) -> list[tuple[int, int]]:
    """One-to-one pairs of boxes maximising their total IoU, each pair at least ``min_iou``.

    Parameters
    ----------
    found, truth
        Boxes found and annotated, ``(x, y, width, height)``.
    min_iou
        The least overlap of a pair.

    Returns
    -------
    list[tuple[int, int]]
        ``(found index, truth index)`` of each pair.
    """
    if not len(found) or not len(truth):
        return []
    iou = box_iou(found, truth)
    rows, cols = linear_sum_assignment(np.where(iou >= min_iou, -iou, 1.0))
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if iou[i, j] >= min_iou]


def false_touching(found: Sequence[Box], truth: Sequence[Box], pairs: list[tuple[int, int]],
                   touch_iou: float = TOUCH_IOU) -> int:
    """How many found boxes left unpaired by ``pairs`` touch an annotated box (IoU >= touch_iou)."""
    paired = {i for i, _ in pairs}
    unpaired = [box for i, box in enumerate(found) if i not in paired]
    if not unpaired or not len(truth):
        return 0
    return int((box_iou(unpaired, truth).max(axis=1) >= touch_iou).sum())


def cut_by_border(box: Box, shape: tuple[int, ...], margin: int) -> bool:
    """True when ``box`` reaches within ``margin`` px of the edge of an image of ``shape``.

    Parameters
    ----------
    box
        ``(x, y, width, height)`` in pixels.
    shape
        The image's shape, ``(height, width, ...)``.
    margin
        Pixels from the edge within which a box is cut.

    Returns
    -------
    bool
    """
    x, y, w, h = box
    return x <= margin or y <= margin or x + w >= shape[1] - margin or y + h >= shape[0] - margin


def _ignored(cell: AnnotatedCell, shape: tuple[int, ...], margin: int) -> bool:
    """True when ``cell`` is not scored for cell finding: ``difficult``, or cut by the border
    of an image of ``shape`` (within ``margin`` px, where the pipeline drops cells)."""
    return cell.difficult or cut_by_border(cell.box, shape, margin)


def _nothing_to_score(cells: list[AnnotatedCell], shape: tuple[int, ...], margin: int) -> str:
    """Why a field of ``shape`` annotated with ``cells`` has no cell to score (a key of
    :data:`UNSCORED`), or ``""`` when it has one."""
    if not cells:
        return "not_annotated"
    if all(cell.difficult for cell in cells):
        return "only_difficult"
    if all(_ignored(cell, shape, margin) for cell in cells):
        return "only_at_border"
    return ""


def score_field(name: str, rgb: np.ndarray, cells: list[AnnotatedCell], classifier: Classifier,
                params: FieldParams, rule: CallRule, min_iou: float = MIN_IOU) -> FieldScore:
    """Screen one field as the pipeline does and compare it with its annotations.

    Parameters
    ----------
    name, rgb, cells
        The field's name, its pixels and its annotated cells.
    classifier, params, rule
        The model, cell finding's parameters and the call rule, as a screening run has them.
    min_iou
        The least box overlap at which a found cell is an annotated one.

    Returns
    -------
    FieldScore
        Cell finding, parasitemia and the annotated cells' scores of this field.
    """
    seg = segment_field(rgb, params)
    field = screen_field(rgb, classifier, params, seg)
    found = field.cells
    screened = [c for c in cells if not c.difficult]
    annotated_scores = score_like_field([crop_box(rgb, c.box, seg) for c in screened],
                                        classifier, field)
    skipped = [_ignored(c, rgb.shape, params.margin_px) for c in cells]
    pairs = match_boxes([f.box for f in found], [c.box for c in cells], min_iou)
    truth = {i: cells[j] for i, j in pairs if not cells[j].difficult}
    counts, reviewed = _count_calls(field.probabilities, rule, truth)
    hits = sum(not skipped[j] for _, j in pairs)
    infected_hits = sum(not skipped[j] and cells[j].parasitized for _, j in pairs)
    scored = [c for c, skip in zip(cells, skipped, strict=True) if not skip]
    return FieldScore(
        name, found=len(found), annotated=len(scored), matched=hits,
        missed=len(scored) - hits, false=len(found) - len(pairs),
        false_touching=false_touching([f.box for f in found], [c.box for c in cells], pairs),
        annotated_parasitized=sum(c.parasitized for c in scored),
        matched_parasitized=infected_hits,
        predicted_parasitemia=counts.percent_parasitized,
        reviewed_parasitemia=reviewed.percent_parasitized, uncertain=counts.uncertain,
        perfect_parasitemia=100.0 * sum(c.parasitized for c in truth.values()) / len(found)
        if found else 0.0,
        annotated_parasitemia=_percent_parasitized(scored),
        kinds=tuple(c.kind for c in screened),
        probabilities=annotated_scores,
    )


def _count_calls(probabilities: np.ndarray, rule: CallRule,
                 truth: dict[int, AnnotatedCell]) -> tuple[Counts, Counts]:
    """Counts of the field cells' calls, as the app makes them and after review (each
    uncertain cell found at index ``i`` takes the type of ``truth[i]`` when there is one)."""
    counts, reviewed = Counts(), Counts()
    for index, probability in enumerate(probabilities):
        call = rule.call(float(probability), in_field=True)
        uncertain = rule.uncertain(float(probability), in_field=True)
        counts.add(Verdict(call, uncertain=uncertain))
        if uncertain and index in truth:
            call = PARASITIZED if truth[index].parasitized else UNINFECTED
        reviewed.add(Verdict(call))
    return counts, reviewed


def _percent_parasitized(cells: list[AnnotatedCell]) -> float:
    return 100.0 * sum(c.parasitized for c in cells) / len(cells) if cells else 0.0


def score_fields(items: list[tuple[Path, list[AnnotatedCell]]], classifier: Classifier,
                 params: FieldParams | None = None, rule: CallRule | None = None
                 ) -> Iterator[FieldScore]:
    """Score each field in turn (a generator, so callers can show progress or stop early).

    Parameters
    ----------
    items
        ``(image path, annotated cells)`` of each field.
    classifier
        The model.
    params, rule
        Cell finding's parameters and the call rule; by default the defaults and the card's.

    Returns
    -------
    Iterator[FieldScore]
        One score per field; a field that cannot be read or whose boxes do not fit it has
        its ``error`` set, and one with no cell to score (none annotated, or every one
        ignored) has the reason in ``unscored`` and is not screened.
    """
    params, rule = params or FieldParams(), rule or classifier.rule
    for path, cells in items:
        start = time.perf_counter()
        try:
            rgb = read_image(path)
            check_inside(cells, rgb.shape)
        except (ImageReadError, AnnotationError) as exc:
            yield FieldScore(path.name, error=str(exc))
            continue
        unscored = _nothing_to_score(cells, rgb.shape, params.margin_px)
        if unscored:  # read all the same: an unreadable file is told as such
            yield FieldScore(path.name, unscored=unscored)
            continue
        score = score_field(path.name, rgb, cells, classifier, params, rule)
        score.seconds = time.perf_counter() - start
        yield score
