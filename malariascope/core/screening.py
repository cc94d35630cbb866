"""Scoring cells held in memory: the cells of a whole field, or any images of cells.

:func:`screen_field` is the one way a field is screened: the pipeline's loaders call it for
every field a batch holds, and ``evaluate-fields`` calls it to score fields against their
annotations, so the figures describe what a screening run reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from malariascope.core.classifier import Classifier, Scores
from malariascope.core.fields import FieldCell, FieldParams, Segmentation, find_cells
from malariascope.core.fields.standardize import standardize
from malariascope.core.preprocess import to_model_input

BATCH_SIZE = 64  #: cells scored together


@dataclass(frozen=True)
class FieldScreening:
    """The cells found in a whole field and their scores, standardized together."""

    cells: list[FieldCell]
    probabilities: np.ndarray  #: (N,) P(parasitized), brought to the card's healthy cells
    class_maps: np.ndarray  #: (N, h, w) Grad-CAM class maps
    raw: np.ndarray  #: (N,) P(parasitized) before standardizing, what others are scaled like


def screen_field(image: np.ndarray, classifier: Classifier, params: FieldParams | None = None,
                 segmentation: Segmentation | None = None) -> FieldScreening:
    """Find the cells of a whole field and score them, standardized to the training lab's
    healthy cells (see ``fields.standardize``): the one way a field is screened.

    Parameters
    ----------
    image, classifier
        The field, ``(H, W, 3)`` uint8 RGB, and the model that scores its cells.
    params, segmentation
        Cell finding's parameters and the field's segmentation, when already known.

    Returns
    -------
    FieldScreening
        The cells in reading order with their scores; no cells when none was found.
    """
    cells, inputs = field_inputs(image, classifier.input_size, params, segmentation)
    scores = _predict(inputs, classifier)
    probabilities = standardize(scores.probabilities, classifier.card.field_reference)
    return FieldScreening(cells, probabilities, scores.class_maps, scores.probabilities)


def field_inputs(image: np.ndarray, size: int, params: FieldParams | None = None,
                 segmentation: Segmentation | None = None
                 ) -> tuple[list[FieldCell], list[np.ndarray]]:
    """The cells found in a whole field, in reading order, and their ``size`` px model inputs:
    what :func:`screen_field` scores, and what lab adaptation learns from."""
    cells = find_cells(image, params, segmentation)
    return cells, [to_model_input(cell.crop, size) for cell in cells]


def score_images(images: Sequence[np.ndarray], classifier: Classifier) -> np.ndarray:
    """Calibrated P(parasitized) of in-memory images (e.g. crops of annotated cells), each
    preprocessed the way the pipeline preprocesses a file."""
    size = classifier.input_size
    return _predict([to_model_input(image, size) for image in images], classifier).probabilities


def _predict(inputs: list[np.ndarray], classifier: Classifier) -> Scores:
    """The scores of model inputs, in batches of :data:`BATCH_SIZE`."""
    if not inputs:
        return Scores(np.zeros(0), np.zeros((0, 0, 0), np.float32))
    parts = [classifier.predict(np.stack(inputs[start:start + BATCH_SIZE]))
             for start in range(0, len(inputs), BATCH_SIZE)]
    return Scores(np.concatenate([part.probabilities for part in parts]),
                  np.concatenate([part.class_maps for part in parts]))
