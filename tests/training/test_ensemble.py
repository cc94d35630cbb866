"""An ensemble is one model with one linear head: its logit is the mean of its members'."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

import keras  # noqa: E402

from malariascope.core.classifier import Classifier  # noqa: E402
from malariascope.core.errors import ModelError  # noqa: E402
from malariascope.training.ensemble import combine  # noqa: E402
from malariascope.training.model import LAST_CONV, LOGIT, build_model, head_weights  # noqa: E402
from malariascope.training.train import TrainConfig, train  # noqa: E402
from tests.images import make_cell  # noqa: E402
from tests.training.test_train import make_dataset  # noqa: E402


def _members(count: int, size: int = 16) -> list[keras.Model]:
    """Untrained members made unlike each other: random weights and batch-norm statistics."""
    rng = np.random.default_rng(0)
    members = []
    for i in range(count):
        keras.utils.set_random_seed(i)
        member = build_model(size)
        for layer in member.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                gamma, beta, mean, var = layer.get_weights()
                layer.set_weights([gamma, beta, rng.normal(0, 0.1, mean.shape),
                                   rng.uniform(0.5, 2.0, var.shape)])
        kernel, bias = member.get_layer(LOGIT).get_weights()
        member.get_layer(LOGIT).set_weights([kernel, rng.normal(0, 1, bias.shape)])
        members.append(member)
    return members


def _logits(model: keras.Model, cells: np.ndarray) -> np.ndarray:
    return keras.Model(model.inputs, model.get_layer(LOGIT).output).predict(cells, verbose=0)[:, 0]


@pytest.fixture(scope="module")
def cells() -> np.ndarray:
    return np.stack([make_cell(size=16, parasitized=bool(i % 2), seed=i)
                     for i in range(8)]).astype(np.float32)


def test_the_ensemble_logit_is_the_mean_of_the_members(cells):
    members = _members(3)
    ensemble = combine(members)
    expected = np.mean([_logits(member, cells) for member in members], axis=0)
    assert np.allclose(_logits(ensemble, cells), expected, atol=1e-5)
    assert ensemble.get_layer(LAST_CONV).output.shape[-1] == 3 * members[0].get_layer(
        LAST_CONV).output.shape[-1]


def test_its_head_maps_the_mean_features_to_the_logit(cells):
    """What the ONNX backend and lab adaptation rely on: features . weights + bias."""
    ensemble = combine(_members(2))
    features = keras.Model(ensemble.inputs, ensemble.get_layer(LAST_CONV).output).predict(
        cells, verbose=0)
    weights, bias = head_weights(ensemble)
    from_head = features.mean(axis=(1, 2)) @ np.asarray(weights) + bias
    assert np.allclose(from_head, _logits(ensemble, cells), atol=1e-5)


def test_one_member_is_itself():
    member = _members(1)[0]
    assert combine([member]) is member


def test_it_saves_and_loads_in_safe_mode(tmp_path, cells):
    ensemble = combine(_members(2))
    ensemble.save(tmp_path / "ensemble.keras")
    again = keras.saving.load_model(tmp_path / "ensemble.keras", safe_mode=True)
    assert np.allclose(_logits(again, cells), _logits(ensemble, cells), atol=1e-6)


def test_members_trained_side_by_side_export_as_one_model_with_exact_grad_cam(tmp_path, cells):
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=6)
    card = train(TrainConfig(root, tmp_path / "model", epochs=1, input_size=16, batch_size=16,
                             members=2, width=0.5), log=lambda line: None)
    assert len(card.head_weights) == 2 * 64  # each member's half-width last conv
    assert (card.recipe.members, card.recipe.member_width) == (2, 0.5)
    assert "2 networks of width 0.5 side by side" in (tmp_path / "model" / "README.md").read_text()
    onnx = Classifier.open(tmp_path / "model", "onnx").predict(cells)
    tf = Classifier.open(tmp_path / "model", "tensorflow").predict(cells)  # Grad-CAM by tape
    assert np.abs(onnx.probabilities - tf.probabilities).max() < 1e-4
    assert np.allclose(onnx.class_maps, tf.class_maps,
                       atol=1e-3 * (1 + np.abs(onnx.class_maps).max()))
    for shape in ({"members": 2}, {"width": 0.5}):
        with pytest.raises(ModelError, match="leave out --members and --width"):
            train(TrainConfig(root, tmp_path / "tuned", epochs=1, input_size=16, **shape,
                              init_model=tmp_path / "model"), log=lambda line: None)
