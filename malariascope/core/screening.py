"""Scoring cells held in memory: the cells of a whole field, or any images of cells.

:func:`screen_field` is the one way a field is screened: the pipeline's loaders call it for
every field a batch holds, and ``evaluate-fields`` calls it to score fields against their
annotations, so the figures describe what a screening run reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from malariascope.core.cancelling import checkpoint
from malariascope.core.classifier import Classifier, Scores, calibrated
from malariascope.core.errors import NotASmearError
from malariascope.core.fields import (
    FieldCell,
    FieldParams,
    Segmentation,
    find_cells,
    segment_field,
)
from malariascope.core.fields.blend import blend_field, blended_maps
from malariascope.core.fields.smear import smear_doubt
from malariascope.core.fields.standardize import standardize
from malariascope.core.preprocess import to_model_input

BATCH_SIZE = 64  #: cells scored together


@dataclass(frozen=True)
class FieldScreening:
    """The cells found in a whole field and their scores, standardized (or, by a card that
    blends field cells, blended) together."""

    cells: list[FieldCell]
    probabilities: np.ndarray  #: (N,) P(parasitized), brought to the card's healthy cells
    class_maps: np.ndarray  #: (N, h, w) Grad-CAM class maps
    raw: np.ndarray  #: (N,) P(parasitized) before standardizing, what others are scaled like
    base_logits: np.ndarray | None = None  #: (N,) the blended base head's, likewise
    #: Why the field is no stained thin smear (``fields.smear``), its cells then left out; or ''
    refused: str = ""


def screen_field(image: np.ndarray, classifier: Classifier, params: FieldParams | None = None,
                 segmentation: Segmentation | None = None) -> FieldScreening:
    """Find the cells of a whole field and score them, standardized to the training lab's
    healthy cells (see ``fields.standardize``), or blended with the base model's by a card
    that blends (``fields.blend``): the one way a field is screened.

    Parameters
    ----------
    image, classifier
        The field, ``(H, W, 3)`` uint8 RGB, and the model that scores its cells.
    params, segmentation
        Cell finding's parameters and the field's segmentation, when already known.

    Returns
    -------
    FieldScreening
        The cells in reading order with their scores; no cells when none was found, nor when
        the field does not look like a smear: then ``refused`` says why, and none is scored.
    """
    try:
        cells, inputs = field_inputs(image, classifier.input_size, params, segmentation)
    except NotASmearError as exc:
        none = _predict([], classifier)
        return FieldScreening([], none.probabilities, none.class_maps, none.probabilities,
                              refused=str(exc))
    scores = _predict(inputs, classifier)
    probabilities, class_maps = _field_scores(scores, classifier)
    return FieldScreening(cells, probabilities, class_maps, scores.probabilities,
                          scores.base_logits)


def score_like_field(images: Sequence[np.ndarray], classifier: Classifier,
                     field: FieldScreening) -> np.ndarray:
    """P(parasitized) of in-memory images cut from a screened ``field`` (e.g. crops of its
    annotated cells), standardized or blended as the field's own cells are."""
    return _field_scores(_image_scores(images, classifier), classifier, field)[0]


def _field_scores(scores: Scores, classifier: Classifier, field: FieldScreening | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Field cells' probabilities and class maps: blended with the base head by a card that
    blends, else standardized; by the found cells of ``field`` when given, else by these."""
    card = classifier.card
    if card.blend is None or scores.base_logits is None:
        like = None if field is None else field.raw
        return standardize(scores.probabilities, card.field_reference, like), scores.class_maps
    if not len(scores.probabilities):
        return scores.probabilities, scores.class_maps
    blended = blend_field(scores.logits / card.temperature, scores.base_logits,
                          card.healthy_log_odds, card.blend,
                          None if field is None else field.base_logits)
    maps = blended_maps(scores.class_maps, scores.base_maps, blended,
                        (card.temperature, card.blend.temperature))
    return calibrated(blended.log_odds, 1.0), maps


def field_inputs(image: np.ndarray, size: int, params: FieldParams | None = None,
                 segmentation: Segmentation | None = None
                 ) -> tuple[list[FieldCell], list[np.ndarray]]:
    """The cells found in a whole field, in reading order, and their ``size`` px model inputs:
    what :func:`screen_field` scores, and what lab adaptation learns from. A field that does
    not look like a smear raises :class:`NotASmearError` (``fields.smear``), for both."""
    seg = segmentation or segment_field(image, params)
    cells = find_cells(image, params, seg)
    if doubt := smear_doubt(image, seg, cells):
        raise NotASmearError(doubt)
    return cells, [to_model_input(cell.crop, size) for cell in cells]


def score_images(images: Sequence[np.ndarray], classifier: Classifier) -> np.ndarray:
    """Calibrated P(parasitized) of in-memory images (e.g. crops of annotated cells), each
    preprocessed the way the pipeline preprocesses a file."""
    return _image_scores(images, classifier).probabilities


def _image_scores(images: Sequence[np.ndarray], classifier: Classifier) -> Scores:
    size = classifier.input_size
    return _predict([to_model_input(image, size) for image in images], classifier)


def _predict(inputs: list[np.ndarray], classifier: Classifier) -> Scores:
    """The scores of model inputs, in batches of :data:`BATCH_SIZE`."""
    if not inputs:
        return Scores(np.zeros(0), np.zeros((0, 0, 0), np.float32))
    return Scores.concat([_predict_batch(inputs[start:start + BATCH_SIZE], classifier)
                          for start in range(0, len(inputs), BATCH_SIZE)])


def _predict_batch(inputs: list[np.ndarray], classifier: Classifier) -> Scores:
    checkpoint()  # a field of thousands of cells is scored in many batches
    return classifier.predict(np.stack(inputs))
