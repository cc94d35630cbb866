"""Weight averaging: the kept weights are the mean of the epochs' and batch norm's statistics
are gathered again for them."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

import keras  # noqa: E402

from malariascope.core.cardtext import card_markdown  # noqa: E402
from malariascope.core.errors import ModelError  # noqa: E402
from malariascope.core.modelcard import load_card  # noqa: E402
from malariascope.training.averaging import WeightAverage  # noqa: E402
from malariascope.training.train import TrainConfig, train  # noqa: E402
from tests.training.test_train import make_dataset  # noqa: E402


class EpochWeights(keras.callbacks.Callback):
    """The trainable weights at the end of every epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seen.append([np.array(variable) for variable in self.model.trainable_variables])


def test_the_model_keeps_the_mean_of_the_epochs_weights_and_their_own_statistics():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, (64, 4)).astype("float32")
    y = (x[:, 0] > 3).astype("float32")
    inputs = keras.Input((4,))
    normed = keras.layers.BatchNormalization(name="norm")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(normed))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    batches = [x[:16], x[16:40], x[40:]]
    epochs = EpochWeights()
    model.fit(x, y, epochs=4, batch_size=16, verbose=0,
              callbacks=[epochs, WeightAverage(3, batches)])

    for variable, *per_epoch in zip(model.trainable_variables, *epochs.seen, strict=True):
        np.testing.assert_allclose(np.array(variable), np.mean(per_epoch[2:], axis=0),
                                   rtol=1e-6)
        assert not np.allclose(per_epoch[2], per_epoch[3])  # the epochs differ
    norm = model.get_layer("norm")
    np.testing.assert_allclose(np.array(norm.moving_mean),
                               np.mean([batch.mean(axis=0) for batch in batches], axis=0),
                               rtol=1e-5)
    np.testing.assert_allclose(np.array(norm.moving_variance),
                               np.mean([batch.var(axis=0) for batch in batches], axis=0),
                               rtol=1e-4)
    assert norm.momentum == 0.99


def test_a_run_with_averaged_weights_says_so_in_its_card(tmp_path):
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=6)
    card = train(TrainConfig(root, tmp_path / "model", epochs=2, seed=3, input_size=32,
                             batch_size=16, average_from=2), log=lambda line: None)

    assert load_card(tmp_path / "model").recipe.average_from == 2
    assert card.recipe.average_from == 2
    assert "the mean of the weights from epoch 2 on" in card_markdown(card)


def test_averaging_from_after_the_last_epoch_is_refused_before_training(tmp_path):
    with pytest.raises(ModelError, match="after the last epoch"):
        train(TrainConfig(tmp_path / "none", tmp_path / "model", epochs=2, average_from=3),
              log=lambda line: None)
    assert not (tmp_path / "model").exists()
