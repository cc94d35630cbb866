"""Grad-CAM's pure functions: heatmap at the image's size and the overlay."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.gradcam import heatmap, overlay


def test_heatmap_is_normalised_at_image_size_and_crops_padding():
    class_map = np.zeros((8, 8), np.float32)
    class_map[3:5, 3:5] = 2.0
    heat = heatmap(class_map, (40, 80, 3))
    assert heat.shape == (40, 80) and heat.dtype == np.float32
    assert heat.max() == pytest.approx(1.0) and heat.min() >= 0.0
    peak = np.unravel_index(np.argmax(heat), heat.shape)
    assert abs(peak[0] - 20) <= 6 and abs(peak[1] - 40) <= 6


def test_uninfected_map_uses_the_negated_class_map():
    class_map = np.full((4, 4), -1.0, np.float32)
    assert heatmap(class_map, (16, 16), positive=True).max() == 0.0
    assert heatmap(class_map, (16, 16), positive=False).min() == pytest.approx(1.0)


def test_all_zero_map_gives_zero_heatmap_without_nan():
    heat = heatmap(np.zeros((8, 8), np.float32), (30, 30))
    assert not np.isnan(heat).any() and heat.max() == 0.0


def test_overlay_blends_and_checks_shapes():
    image = np.full((20, 30, 3), 100, np.uint8)
    heat = np.ones((20, 30), np.float32)
    assert (overlay(image, heat, alpha=0.0) == image).all()
    blended = overlay(image, heat, alpha=0.5)
    assert blended.shape == image.shape and blended.dtype == np.uint8
    assert not (blended == image).all()
    with pytest.raises(ValueError, match="does not match"):
        overlay(image, np.ones((5, 5), np.float32))


def test_overlay_colours_the_cell_only_never_its_black_background():
    from tests.images import make_cell

    image = make_cell(size=80, seed=1)  # a pink disc on black, as the NIH cells come
    blended = overlay(image, np.ones((80, 80), np.float32), alpha=0.6)
    background = image.max(axis=2) == 0
    assert (blended[background] == 0).all()
    assert (blended[40, 40] != image[40, 40]).any()
    field_cut = np.full((30, 30, 3), 180, np.uint8)  # a cell cut from a field: no black
    assert not (overlay(field_cut, np.ones((30, 30), np.float32)) == field_cut).any()


def test_heat_is_coloured_dark_to_bright_on_inferno_not_jet():
    from malariascope.core.gradcam import heat_colours

    colours = heat_colours(np.linspace(0.0, 1.0, 256, dtype=np.float32)[None, :])[0]
    brightness = colours.astype(float) @ [0.299, 0.587, 0.114]
    assert (np.diff(brightness) >= -1.0).all()  # perceptually ordered: more is brighter
    assert colours[0].max() < 30 and colours[-1].min() > 140  # black to pale yellow
    assert colours[128, 0] > colours[128, 2]  # the middle is red-purple, not jet's green
