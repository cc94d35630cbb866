"""The OpenCV region operations give exactly what ``scipy.ndimage`` gives (SciPy is a test
dependency only: the app bundle leaves it out)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from malariascope.core.fields.regions import fill_holes, find_objects, label, label_maximum

SHAPES = [(1, 1), (1, 9), (7, 1), (23, 31), (64, 48)]


def masks():
    rng = np.random.default_rng(7)
    for shape in SHAPES:
        for density in (0.0, 0.3, 0.55, 0.8, 1.0):
            yield rng.random(shape) < density


@pytest.mark.parametrize("mask", list(masks()))
def test_label_find_objects_and_holes_match_scipy(mask):
    labels, count = label(mask)
    expected, expected_count = ndi.label(mask)
    assert count == expected_count and np.array_equal(labels, expected)
    assert labels.dtype == np.int32
    assert find_objects(labels) == ndi.find_objects(expected)
    assert np.array_equal(fill_holes(mask), ndi.binary_fill_holes(mask))


def test_find_objects_leaves_absent_labels_none():
    labels = np.zeros((5, 6), np.int32)
    labels[1:3, 2:5] = 3
    labels[4, 0] = 1
    assert find_objects(labels) == ndi.find_objects(labels) == [
        (slice(4, 5), slice(0, 1)), None, (slice(1, 3), slice(2, 5))]
    assert find_objects(np.zeros((3, 3), np.int32)) == []


def test_fill_holes_fills_enclosed_gaps_only():
    square = np.zeros((9, 9), bool)
    square[2:7, 2:7] = True
    square[3, 3] = False  # enclosed: a hole
    square[5, 5:7] = False  # a notch open to the outside
    filled = fill_holes(square)
    assert filled[3, 3] and not filled[5, 5] and not filled[5, 6]
    assert np.array_equal(filled, ndi.binary_fill_holes(square))


def test_label_maximum_matches_scipy():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 50, (40, 30)).astype(np.int32)
    blobs, count = label(rng.random((40, 30)) < 0.4)
    expected = ndi.maximum(values, blobs, np.arange(1, count + 1))
    assert np.array_equal(label_maximum(values, blobs, count), np.asarray(expected))
