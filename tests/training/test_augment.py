"""The training augmentations keep the cell and its black surround where they belong."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow", reason="training needs the [train] extra")

from malariascope.training.augment import (  # noqa: E402
    add_synthetic_parasites,
    augment,
    overlap_neighbours,
    paste_neighbours,
    shade_one_side,
    stain_streaks,
)


def _disc(size: int = 64, colour=(0.8, 0.6, 0.6)) -> np.ndarray:
    rows, cols = np.mgrid[:size, :size]
    inside = (rows - size / 2) ** 2 + (cols - size / 2) ** 2 < (size / 2 - 4) ** 2
    return np.where(inside[..., None], np.asarray(colour, np.float32), 0.0).astype(np.float32)


def test_shading_darkens_one_side_of_the_cell_only():
    disc = _disc()
    inside = disc.max(axis=2) > 0
    for i in range(8):
        shaded = shade_one_side(tf.constant(disc), tf.constant([i, 1], tf.int64)).numpy()
        assert np.all(shaded[~inside] == 0), "the surround stays black"
        assert np.all(shaded <= disc + 1e-6), "shading only darkens"
        ratio = shaded[inside].mean(axis=1) / disc[inside].mean(axis=1)
        assert ratio.max() > 0.999, "part of the cell keeps its light"
        assert ratio.min() < 0.9, "one side is shaded"
        darker = shaded[inside].mean(axis=1) < disc[inside].mean(axis=1) * 0.95
        assert darker.mean() < 0.5, "the shade is a side, not the whole cell"


def test_synthetic_parasites_turn_only_uninfected_cells_parasitized():
    batch = tf.constant(np.stack([_disc()] * 64) * 255.0)
    labels = tf.constant(np.arange(64) % 2)
    out, new_labels = add_synthetic_parasites(batch, labels, tf.constant([7, 8], tf.int64))
    before, after, new = batch.numpy(), out.numpy(), new_labels.numpy()
    inside = before[0].max(axis=2) > 0
    changed = (after != before).any(axis=(1, 2, 3))
    assert np.all(after[:, ~inside] == 0), "the surround stays black"
    assert np.all(after <= before + 1e-3), "stain only darkens"
    assert not changed[labels.numpy() == 1].any(), "parasitized cells are untouched"
    assert 0 < changed.sum() < 32
    assert np.array_equal(new, np.where(changed, 1, labels.numpy())), "changed: parasitized"
    green_loss = (before - after)[changed][..., 1].sum()
    assert green_loss > (before - after)[changed][..., 2].sum(), "purple: green absorbed most"


def test_neighbours_fill_only_the_black_surround():
    colours = [(0.9, 0.5, 0.5), (0.4, 0.4, 0.9)] * 16
    batch = tf.constant(np.stack([_disc(colour=c) for c in colours]) * 255.0)
    labels = tf.constant(np.arange(32) % 2)
    pasted, same = paste_neighbours(batch, labels, tf.constant([3, 4], tf.int64))
    before, after = batch.numpy(), pasted.numpy()
    own = before.max(axis=3) > 0
    assert np.array_equal(after[own], before[own]), "each cell itself is untouched"
    assert np.array_equal(same.numpy(), labels.numpy())
    changed = (after != before).any(axis=3)
    touched = changed.any(axis=(1, 2))
    assert 0 < touched.sum() < 32
    for i in np.flatnonzero(touched):  # the pasted part is the next cell of the batch
        neighbour = np.asarray(colours[i - 1]) * 255.0
        assert np.allclose(after[i][changed[i]], neighbour, atol=1e-3)


def test_an_overlapping_healthy_neighbour_darkens_the_cell_as_light_through_both():
    colours = [(0.9, 0.5, 0.5), (0.4, 0.4, 0.9)] * 16
    batch = tf.constant(np.stack([_disc(colour=c) for c in colours]) * 255.0)
    labels = np.asarray([0, 0, 1, 1] * 8)
    out = overlap_neighbours(batch, tf.constant(labels), tf.constant([5, 6], tf.int64), 1.0)
    before, after = batch.numpy(), out.numpy()
    own = before[0].max(axis=2) > 0
    for i in range(32):
        neighbour_healthy = labels[i - 2] == 0
        changed = (after[i] != before[i]).any(axis=2)
        assert changed.any() == neighbour_healthy, "only a healthy cell is laid across"
        if not neighbour_healthy:
            continue
        through_both = changed & own
        assert through_both.any() and (changed & ~own).any(), "across the cell and beyond it"
        neighbour = np.asarray(colours[i - 2]) * 255.0
        assert np.allclose(after[i][through_both], before[i][through_both] * neighbour / 255.0,
                           atol=1e-3)
        assert np.allclose(after[i][changed & ~own], neighbour, atol=1e-3)


def test_a_stained_streak_is_a_thin_purple_line_on_a_share_of_the_cells():
    batch = tf.constant(np.stack([_disc()] * 64) * 255.0)
    out = stain_streaks(batch, tf.constant([1, 2], tf.int64), 0.5).numpy()
    before = batch.numpy()
    inside = before[0].max(axis=2) > 0
    changed = (np.abs(out - before) > 1.0).any(axis=3)
    streaked = changed.any(axis=(1, 2))
    assert 16 < streaked.sum() < 48, "about half the cells"
    assert np.all(out[:, ~inside] == 0), "the surround stays black"
    assert np.all(out <= before + 1e-3), "stain only darkens"
    for i in np.flatnonzero(streaked):
        marked = changed[i].sum()
        assert 5 < marked < 0.2 * inside.sum(), "a line, not a blot"
        loss = (before[i] - out[i])[changed[i]].sum(axis=0)
        assert loss[1] > loss[0] > loss[2], "absorbs green most, then red: purple"
    assert np.array_equal(stain_streaks(batch, tf.constant([1, 2], tf.int64), 0.0).numpy(),
                          before), "a share of 0 draws none"


def test_augment_keeps_shape_range_and_is_repeatable():
    image = tf.constant((_disc() * 255).astype(np.uint8))
    seed = tf.constant([7, 9], tf.int64)
    out = augment(image, seed).numpy()
    assert out.shape == (64, 64, 3) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 255.0
    assert np.array_equal(out, augment(image, seed).numpy())
