"""A whole field's stain is brought to the model card's density before its cells are screened."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.fields import find_cells
from malariascope.core.fields.scoring import match_boxes
from malariascope.core.fields.stain import (
    MIN_CELLS,
    cell_density,
    density_factor,
    match_stain,
    scale_density,
)
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import screen
from tests.core.test_fields import make_field
from tests.images import make_cell, write_rgb


def _masked(cell: np.ndarray) -> np.ndarray:
    """The cell on black outside its disc, as field crops and NIH cells are."""
    size = cell.shape[0]
    disc = np.zeros(cell.shape[:2], np.uint8)
    cv2.circle(disc, (size // 2, size // 2), size // 2 - 6, 1, -1)
    return cell * disc[..., None]


def test_scaling_multiplies_optical_density_and_keeps_black():
    cell = _masked(make_cell(seed=1))
    darker = scale_density(cell, 2.0)
    inside = cell.max(axis=2) > 0
    assert np.all(darker[~inside] == 0)
    assert cell_density(darker) == pytest.approx(2 * cell_density(cell), rel=0.03)
    assert scale_density(cell, 1.0) is cell


def test_the_factor_brings_the_fields_median_cell_to_the_reference():
    healthy = [_masked(make_cell(seed=i)) for i in range(9)]
    infected = [_masked(make_cell(parasitized=True, seed=i)) for i in range(3)]
    field = [scale_density(cell, 1.8) for cell in healthy + infected]  # a thicker stain
    reference = float(np.median([cell_density(cell) for cell in healthy]))
    factor = density_factor(field, reference)
    assert factor == pytest.approx(1 / 1.8, rel=0.05)
    matched = [scale_density(cell, factor) for cell in field]
    assert np.median([cell_density(c) for c in matched]) == pytest.approx(reference, rel=0.05)
    same = zip(match_stain(field, reference), matched, strict=True)
    assert all(np.array_equal(a, b) for a, b in same)
    extra = match_stain(field[:1], reference, like=field)  # a crop scaled like the field's cells
    assert np.array_equal(extra[0], matched[0])


def test_too_few_cells_or_no_reference_keep_the_stain():
    cells = [_masked(make_cell(seed=i)) for i in range(MIN_CELLS)]
    assert density_factor(cells[:-1], 0.4) == 1.0
    assert density_factor(cells, None) == 1.0
    assert density_factor(cells, 0.4) != 1.0


def test_a_thicker_stained_field_gets_the_same_calls(tmp_path):
    """Through the real pipeline and bundled model: darkening a whole field (twice the optical
    density) barely moves any cell's probability, where unmatched crops would move a lot."""
    classifier = Classifier.open()
    image, _ = make_field(seed=2)
    thick = scale_density(image, 2.0)
    plain_path = write_rgb(tmp_path / "plain.png", image)
    thick_path = write_rgb(tmp_path / "thick.png", thick)
    plain = list(screen([plain_path], classifier, mode="field"))
    dark = list(screen([thick_path], classifier, mode="field"))
    pairs = match_boxes([r.box for r in plain], [r.box for r in dark], min_iou=0.9)
    assert len(pairs) > 20, "most cells are found alike on both"
    moved = [abs(plain[i].probability - dark[j].probability) for i, j in pairs]
    assert max(moved) < 0.1
    crops = [c.crop for c in find_cells(read_image(thick_path))]
    assert density_factor(crops, classifier.card.cell_density) < 0.8, "the stain was matched"
