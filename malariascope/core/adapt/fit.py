"""Fit what turns features into calls on a lab's cells: head, temperature, thresholds, and the
healthy cells' statistics that whole fields are standardized to.

The head is refitted with a pull towards the base head. Everything else is chosen on
out-of-fold scores, each cell scored by a head fitted without its field or slide, as training
chooses its threshold on validation slides it never fitted: the pull's strength by the AUC of
the scores screening would give, the temperature by log loss, the thresholds by training's own
rules (``core.calibration``).

A head fitted on a lab's own field cells calls that lab's fields without standardizing:
standardizing corrects the base model's scale on another lab's fields, but such a head needs
no correction and ranks worse with it (the 30 shared fields' annotated boxes, cross-validated
by field: AUC 0.975 without, 0.969 with; 20-field counts within 25 %: 92 % of groups against
51 %). Its field cells are scored by the mean of its rank and the base model's (its field
standardized; see ``fields.blend``), and everything chosen on out-of-fold scores is chosen on
those. A head fitted on single cells alone keeps standardizing for the fields it has not seen.
The healthy statistics are recorded either way (the warning that a batch looks unlike the
model's cells measures against them).

The head is fitted on each cell's eight views (``core.views``), and the adapted model scores
every cell by their mean, so everything is chosen on those means: on the 30 shared fields,
one held out per fold, that ranks the found cells at AUC 0.988 against 0.985 on one view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from malariascope.core.adapt.adaptedcard import FieldBlend
from malariascope.core.adapt.auc import auc
from malariascope.core.adapt.cells import LabelledCells, group_folds
from malariascope.core.adapt.logistic import Head, balanced_weights, fit_head
from malariascope.core.calibration import (
    FIELD_PARASITEMIAS,
    choose_count_threshold,
    choose_threshold,
    fit_temperature,
)
from malariascope.core.classifier import calibrated
from malariascope.core.fields.blend import blend_field
from malariascope.core.fields.standardize import median_and_mad, standardize
from malariascope.core.logodds import log_odds
from malariascope.core.modelcard import ModelCard

#: Prior strengths tried for the head (see ``logistic``); the pull a lab's cells need depends on
#: how many there are and how unlike the base model's they look.
STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5
#: The least spread of healthy log-odds recorded: cells a separable fit scores all alike would
#: make every shift measured in that unit infinite.
MIN_MAD = 0.01


@dataclass(frozen=True)
class Calibration:
    """Everything that turns a cell's pooled features into a probability and a call."""

    head: Head
    temperature: float
    threshold: float
    field_threshold: float | None  # None: cells of fields are called at ``threshold``
    healthy: tuple[float, float] | None  # median, MAD of healthy cells' log-odds
    standardize_fields: bool = True  # fields are brought to ``healthy`` (when there is one)
    strength: float | None = None  # the prior strength chosen; None for a card's own
    blend: FieldBlend | None = None  # the base model field cells are also scored by
    views: int = 1  # each cell is scored by the mean of this many views (``core.views``)

    @classmethod
    def of_card(cls, card: ModelCard) -> Calibration:
        return cls(Head(np.asarray(card.head_weights, np.float64), card.head_bias),
                   card.temperature,
                   card.threshold, card.field_threshold, card.healthy_log_odds,
                   card.field_reference is not None, blend=card.blend, views=card.views)

    @property
    def field_blend(self) -> FieldBlend | None:
        """What a model adapted from this one blends its field cells with: the base model it
        blends with itself, else this one when it standardizes whole fields."""
        if self.blend is not None or not self.standardize_fields or self.healthy is None:
            return self.blend
        return FieldBlend(tuple(float(w) for w in self.head.weights), float(self.head.bias),
                          self.temperature, self.healthy)

    @property
    def count_threshold(self) -> float:
        """The threshold that calls cells of whole fields."""
        return self.threshold if self.field_threshold is None else self.field_threshold

    def log_odds(self, cells: LabelledCells) -> np.ndarray:
        """Each cell's log-odds as screening scores it (field cells blended or standardized,
        if so)."""
        features = cells.scored(self.views)
        return as_screened(self.head.logits(features) / self.temperature, features,
                           cells.fields, self.healthy, self.blend, self.standardize_fields)

    def probabilities(self, cells: LabelledCells) -> np.ndarray:
        """P(parasitized) of each cell as screening gives it."""
        return calibrated(self.log_odds(cells), 1.0)


def as_screened(values: np.ndarray, features: np.ndarray, fields: np.ndarray,
                healthy: tuple[float, float] | None, blend: FieldBlend | None,
                standardize_fields: bool) -> np.ndarray:
    """Log-odds ``values`` of cells of ``features`` as screening gives them: each whole
    field's cells blended with the base model's when there is a ``blend``, else standardized
    to ``healthy`` when fields are; single cells ('' field) keep theirs."""
    if blend is not None and healthy is not None:
        return blended(values, features, fields, healthy, blend)
    in_field = fields != ""
    if not (standardize_fields and healthy is not None and in_field.any()):
        return values
    moved = standardized(calibrated(values, 1.0), fields, healthy)
    return np.where(in_field, log_odds(moved), values)


def standardized(probabilities: np.ndarray, fields: np.ndarray,
                 healthy: tuple[float, float] | None) -> np.ndarray:
    """``probabilities`` with each whole field's cells standardized together (see
    ``fields.standardize``); single cells ('' field) keep theirs."""
    return _by_field(fields, probabilities, lambda chosen: standardize(
        probabilities[chosen], healthy))


def blended(values: np.ndarray, features: np.ndarray, fields: np.ndarray,
            unit: tuple[float, float], blend: FieldBlend) -> np.ndarray:
    """Adapted log-odds ``values`` of cells of ``features`` with each whole field's cells
    blended with the base model's (see ``fields.blend``, ``unit`` the adapted healthy
    log-odds); single cells ('' field) keep theirs."""
    base = blend.logits(features)
    return _by_field(fields, values, lambda chosen: blend_field(
        values[chosen], base[chosen], unit, blend).log_odds)


def _by_field(fields: np.ndarray, values: np.ndarray,
              field_values: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``values`` with each whole field's replaced by ``field_values(its cells' mask)``."""
    out = values.copy()
    for field in np.unique(fields[fields != ""]):
        chosen = fields == field
        out[chosen] = field_values(chosen)
    return out


def calibrate(cells: LabelledCells, base: Calibration, strengths: tuple[float, ...] = STRENGTHS,
              folds: int = FOLDS, step: Callable[[], None] | None = None) -> Calibration:
    """The calibration fitted on ``cells``, starting from and pulled towards ``base``.

    Parameters
    ----------
    cells
        Labelled cells from at least two groups, both classes present (unlabelled field cells
        take part in standardizing their fields only).
    base
        The base model's calibration; its head is the prior.
    strengths
        Prior strengths to choose from by out-of-fold AUC.
    folds
        Number of folds (by group) for the out-of-fold scores.
    step
        Called after each strength is tried, ``len(strengths)`` times in all (progress).

    Returns
    -------
    Calibration
        Head fitted on all ``cells``; strength, standardizing, temperature, thresholds and
        healthy statistics chosen on out-of-fold scores (field cells' blended with the base
        model's when the cells come from whole fields), each cell scored by the mean of its
        views when it has them.
    """
    fold = group_folds(cells.groups, cells.labels, min(folds, len(set(cells.groups))))
    labelled = cells.labelled
    labels = cells.labels[labelled]
    standardize_fields = not (cells.fields[labelled] != "").any()
    blend = None if standardize_fields else base.field_blend
    views = 1 if cells.views is None else cells.views.shape[1]
    scored = cells.scored(views)
    best, heads = None, None
    for strength in sorted(strengths, reverse=True):  # each fit starts from the stronger one's
        logits, heads = _out_of_fold_logits(cells, scored, fold, base.head, strength, heads)
        temperature = fit_temperature(logits[labelled], labels, balanced_weights(labels))
        healthy = _healthy(calibrated(logits, temperature)[cells.labels == 0])
        scores = calibrated(as_screened(logits / temperature, scored, cells.fields, healthy,
                                        blend, standardize_fields), 1.0)
        merit = auc(labels == 1, scores[labelled])
        if best is None or merit > best[0]:  # a tie keeps the stronger pull
            best = (merit, strength, temperature, healthy, scores)
        if step:
            step()
    _, strength, temperature, healthy, scores = best
    threshold = choose_threshold(scores[labelled], labels)
    head = fit_head(cells.fitted[labelled], labels, base.head, strength)
    return Calibration(head, temperature, threshold,
                       max(threshold, _count_threshold(cells, scores)),
                       healthy, standardize_fields, strength, blend, views)


def _healthy(probabilities: np.ndarray) -> tuple[float, float]:
    """Median and MAD of healthy cells' log-odds, as the card records them; the MAD is kept
    above :data:`MIN_MAD`, the unit shifts are measured in."""
    median, mad = median_and_mad(probabilities)
    return round(median, 4), round(max(mad, MIN_MAD), 4)


def _count_threshold(cells: LabelledCells, scores: np.ndarray) -> float:
    """The least biased counting threshold (training's rule), chosen on cells of whole fields
    when there are both classes of them (those it calls), else on all labelled cells.

    It is fair to the parasitemias of the lab's own census fields where there are some: a
    threshold fair to 0 to 10 % alike miscounts a lab whose smears hold 1 % by half as much
    again.
    """
    chosen = cells.labelled & (cells.fields != "")
    if len(set(cells.labels[chosen])) < 2:
        chosen = cells.labelled
    parasitemias = tuple(cells.field_parasitemias()) or FIELD_PARASITEMIAS
    return choose_count_threshold(scores[chosen], cells.labels[chosen], parasitemias)


def _out_of_fold_logits(cells: LabelledCells, scored: np.ndarray, fold: np.ndarray, prior: Head,
                        strength: float, starts: list[Head] | None
                        ) -> tuple[np.ndarray, list[Head]]:
    """Each cell's logit of its ``scored`` features from a head fitted on the other folds'
    labelled cells, and the heads (one per fold, each fit starting from ``starts``' head of
    that fold if given)."""
    logits, heads = np.empty(len(cells)), []
    for f in range(int(fold.max()) + 1):
        train = (fold != f) & cells.labelled
        head = fit_head(cells.fitted[train], cells.labels[train], prior, strength,
                        start=starts[f] if starts else None)
        logits[fold == f] = head.logits(scored[fold == f])
        heads.append(head)
    return logits, heads
