"""The trimmed cross-entropy leaves each batch's worst-fitting cells out of the mean."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

import keras  # noqa: E402

from malariascope.training.losses import TrimmedCrossEntropy  # noqa: E402

LABELS = np.array([0, 1, 1, 0, 1, 0, 1, 0, 1, 1], dtype=np.float32)
PREDICTED = np.linspace(0.05, 0.95, 10, dtype=np.float32)[:, None]  # some cells tie in loss


def _per_cell() -> np.ndarray:
    return keras.losses.binary_crossentropy(LABELS[:, None], PREDICTED).numpy()


def test_without_trimming_it_is_keras_cross_entropy():
    expected = keras.losses.BinaryCrossentropy()(LABELS, PREDICTED)
    assert float(TrimmedCrossEntropy(0.0)(LABELS, PREDICTED)) == pytest.approx(float(expected))


@pytest.mark.parametrize("trim, kept", [(0.1, 9), (0.2, 8), (0.25, 8), (0.5, 5)])
def test_the_highest_losses_are_left_out_even_when_they_tie(trim, kept):
    expected = np.sort(_per_cell())[:kept].mean()
    assert float(TrimmedCrossEntropy(trim)(LABELS, PREDICTED)) == pytest.approx(expected, rel=1e-5)


def test_no_gradient_reaches_a_trimmed_cell():
    import tensorflow as tf

    predicted = tf.Variable(PREDICTED)
    with tf.GradientTape() as tape:
        loss = TrimmedCrossEntropy(0.2)(LABELS, predicted)
    gradient = tape.gradient(loss, predicted).numpy()[:, 0]
    worst = np.argsort(_per_cell())[-2:]
    assert np.all(gradient[worst] == 0)
    assert np.count_nonzero(gradient) == 8
