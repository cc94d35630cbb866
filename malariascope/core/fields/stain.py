"""Bring a field's stain to the density of the training cells before its cells are screened.

Smears differ in how much stain their cells took up, and the model reads a darker cell as more
likely parasitized: on the second lab's fields, whose cells are darker than the NIH cells
(median optical density 0.59 against 0.42, up to 2.9 times as dense in the darkest field), 38 %
of the healthy cells were called parasitized. By Beer-Lambert the amount of stain scales a
pixel's optical density ``-log(I / 255)``, so every cell of a field has its density multiplied
by one factor: the one bringing the field's median cell density to the model card's
``cell_density`` (that of the uninfected training cells). The median over a field's cells
ignores its few infected ones. A field with too few cells keeps its stain.

Measured with ``evaluate-fields`` on the second lab's 30 fields and the bundled model: balanced
accuracy 0.802 -> 0.866 (specificity 0.62 -> 0.82, sensitivity 0.98 -> 0.91), parasitemia error
per field 49 -> 31 points; the AUC over all fields' cells falls (0.956 -> 0.926), as each field
is shifted on its own. Matching each cell on its own was worse (AUC 0.92): it lightens the
darker infected cells too. Training with random stain density instead (factor 0.75-2.5) did not
help the fields (balanced accuracy 0.79).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

MIN_CELLS = 5  #: a field with fewer cells keeps its stain (too few for a robust median)
FACTOR_RANGE = (0.25, 4.0)  #: the density factor is kept within this range
_DENSITY = -np.log(np.maximum(np.arange(256), 1.0) / 255.0)  # optical density of each value


def cell_density(cell: np.ndarray) -> float:
    """Median optical density of a cell image's pixels (RGB ``uint8``, black surround ignored)."""
    pixels = cell[cell.max(axis=2) > 0]
    if not len(pixels):
        return 0.0
    return float(np.median(_DENSITY[pixels].mean(axis=1)))


def density_factor(cells: Sequence[np.ndarray], reference: float | None) -> float:
    """The factor on optical density bringing these cells' median density to ``reference``.

    1.0 (no change) without a reference or with fewer than :data:`MIN_CELLS` cells.
    """
    if reference is None or len(cells) < MIN_CELLS:
        return 1.0
    field = float(np.median([cell_density(cell) for cell in cells]))
    if field <= 0.0:
        return 1.0
    return float(np.clip(reference / field, *FACTOR_RANGE))


def match_stain(crops: Sequence[np.ndarray], reference: float | None,
                like: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
    """``crops`` scaled by the factor that brings the cells ``like`` (default: ``crops``
    themselves, e.g. a field's found cells) to ``reference``."""
    factor = density_factor(crops if like is None else like, reference)
    return [scale_density(crop, factor) for crop in crops]


def scale_density(cell: np.ndarray, factor: float) -> np.ndarray:
    """The cell with its optical density times ``factor``: intensity ``I`` -> ``I ** factor``
    on [0, 1]; the black surround stays black."""
    if factor == 1.0:
        return cell
    table = np.round(255.0 * np.exp(-factor * _DENSITY))
    table[0] = 0  # black stays black
    return cv2.LUT(cell, table.astype(np.uint8))
