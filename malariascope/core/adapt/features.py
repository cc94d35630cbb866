"""Read a lab's sources into pooled features of the base model (ONNX Runtime, no TensorFlow)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from malariascope.core.adapt.cells import UNLABELLED, LabelledCells, joined_groups
from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.sources import Source, SourceRecord
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
from malariascope.core.pipeline import BATCH_SIZE
from malariascope.core.views import eight_views


def pooled_features(classifier: Classifier, inputs: np.ndarray) -> np.ndarray:
    """``(N, D)`` pooled last-conv features of preprocessed cells, a batch at a time."""
    features = getattr(classifier.backend, "features", None)
    if features is None:
        raise ModelError(f"adapting needs the ONNX backend, not {classifier.backend.name}")
    return np.concatenate([features(inputs[start:start + BATCH_SIZE])
                           for start in range(0, len(inputs), BATCH_SIZE)])


def pooled_views(classifier: Classifier, inputs: np.ndarray) -> np.ndarray:
    """``(N, 8, D)`` pooled features of each cell's eight views (``core.views``)."""
    return np.stack([pooled_features(classifier, view) for view in eight_views(inputs)], axis=1)


def read_sources(sources: Sequence[Source], classifier: Classifier,
                 progress: Callable[[int], None] | None = None
                 ) -> tuple[LabelledCells, list[SourceRecord]]:
    """Every source's cells as features of ``classifier``'s model (of each cell's 8 views,
    which the head is fitted on), with the sources' records; a labelled cell that a source
    gives again (by content: ``repeats``) is left out before its features are computed, and
    counted in its source's record. Groups holding cells of one image file are joined.

    Parameters
    ----------
    sources
        Class folders, annotated fields, reviewed reports (``open_source``).
    classifier
        The base model, opened with the ONNX backend.
    progress
        Called with the number of cells read so far, after each chunk.

    Returns
    -------
    tuple
        The cells and one record per source.
    """
    parts, done, repeats = [], 0, Repeats()
    images = [np.zeros(0, str)]  # each cell's image sha256, by chunk (none without chunks)
    for source in sources:
        for chunk in source.chunks(classifier.input_size, repeats):
            n, features = len(chunk.labels), pooled_views(classifier, chunk.inputs)
            parts.append(LabelledCells(
                features[:, 0], chunk.labels, np.full(n, chunk.group), np.full(n, chunk.field),
                np.full(n, UNLABELLED) if chunk.census is None else chunk.census, features))
            images.append(chunk.images)
            done += n
            if progress:
                progress(done)
    cells = LabelledCells.concat(parts)
    cells = replace(cells, groups=joined_groups(cells.groups, np.concatenate(images)))
    return cells, [source.record for source in sources]
