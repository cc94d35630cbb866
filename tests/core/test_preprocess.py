"""The one preprocessing shared by training and inference."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.imageio import read_image
from malariascope.core.preprocess import load_model_input, pad_to_square, to_model_input


def test_real_cell_becomes_model_input(real_cells):
    path = real_cells["parasitized"][0]
    image = read_image(path)
    cell = load_model_input(path, 64)
    assert cell.shape == (64, 64, 3) and cell.dtype == np.uint8
    # the cell keeps its colour: mean of the non-black pixels stays close
    inside = image[image.sum(axis=2) > 30].mean(axis=0)
    inside_small = cell[cell.sum(axis=2) > 30].mean(axis=0)
    assert np.abs(inside - inside_small).max() < 12


def test_padding_keeps_aspect_ratio_with_black():
    wide = np.full((20, 60, 3), 200, np.uint8)
    square = pad_to_square(wide)
    assert square.shape == (60, 60, 3)
    assert (square[:20] == 0).all() and (square[40:] == 0).all() and (square[20:40] == 200).all()
    small = to_model_input(wide, 30)
    assert small.shape == (30, 30, 3)
    assert (small[:9] == 0).all() and (small[11:19] == 200).all()


def test_upscales_tiny_images():
    assert to_model_input(np.full((1, 1, 3), 9, np.uint8), 64).shape == (64, 64, 3)


def test_rejects_wrong_input_type():
    with pytest.raises(ValueError, match="uint8 RGB"):
        to_model_input(np.zeros((5, 5), np.uint8), 64)
