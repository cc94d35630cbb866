"""Reinhard stain normalisation maps colour statistics and keeps the black background."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.stain import StainStats, cell_pixels_lab, normalise, stain_stats
from tests.images import make_cell


def test_normalised_cell_takes_the_target_statistics():
    cell = make_cell(size=120, seed=1)
    grey_violet = (cell.astype(np.float32) * [0.55, 0.5, 0.7]).astype(np.uint8)
    grey_violet[cell.max(axis=2) == 0] = 0
    source = stain_stats(cell_pixels_lab(grey_violet))
    target = stain_stats(cell_pixels_lab(cell))
    result = normalise(grey_violet, source, target)
    got = stain_stats(cell_pixels_lab(result))
    assert np.allclose(got.mean, target.mean, atol=2.0)
    assert (result[cell.max(axis=2) == 0] == 0).all()


def test_stats_round_trip_through_a_card_dict_and_refuse_empty():
    stats = StainStats((170.0, 140.0, 127.0), (16.0, 10.0, 10.0))
    assert StainStats.from_dict(stats.to_dict()) == stats
    with pytest.raises(ValueError, match="no cell pixels"):
        stain_stats(cell_pixels_lab(np.zeros((10, 10, 3), np.uint8)))
