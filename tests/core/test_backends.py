"""The ONNX Runtime and TensorFlow backends agree; the model card guards the model files."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
from malariascope.core.gradcam import heatmap
from malariascope.core.modelfiles import models_dir
from malariascope.core.preprocess import load_model_input
from tests.images import make_cell

pytest.importorskip("tensorflow", reason="the TensorFlow reference backend needs the [train] extra")


@pytest.fixture(scope="module")
def cells(real_cells) -> np.ndarray:
    paths = real_cells["parasitized"] + real_cells["uninfected"]
    real = [load_model_input(p, 64) for p in paths]
    generated = [make_cell(size=64, parasitized=bool(i % 2), seed=i) for i in range(4)]
    return np.stack(real + generated)


@pytest.fixture(scope="module")
def both(cells):
    return Classifier.open(backend="onnx").predict(cells), Classifier.open(
        backend="tensorflow"
    ).predict(cells)


def test_probabilities_agree(both):
    onnx, tf = both
    assert np.abs(onnx.probabilities - tf.probabilities).max() < 1e-4


def test_gradcam_tape_matches_exact_features_path(both, cells):
    onnx, tf = both
    for positive in (True, False):
        for a, b in zip(onnx.class_maps, tf.class_maps, strict=True):
            ha = heatmap(a, (130, 130), positive).ravel()
            hb = heatmap(b, (130, 130), positive).ravel()
            if ha.max() == 0 and hb.max() == 0:
                continue
            assert np.corrcoef(ha, hb)[0, 1] > 0.99


@pytest.fixture
def model_copy(tmp_path):
    for path in models_dir().iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_tampered_model_is_refused(model_copy):
    onnx = model_copy / "malariascope-cnn.onnx"
    data = bytearray(onnx.read_bytes())
    data[len(data) // 2] ^= 0xFF
    onnx.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its card"):
        Classifier.open(model_copy)


def test_truncated_and_missing_models_are_refused(model_copy):
    keras_file = model_copy / "malariascope-cnn.keras"
    keras_file.write_bytes(keras_file.read_bytes()[:1000])
    with pytest.raises(ModelError, match="does not match"):
        Classifier.open(model_copy, backend="tensorflow")
    (model_copy / "malariascope-cnn.onnx").unlink()
    with pytest.raises(ModelError, match="missing"):
        Classifier.open(model_copy)
    (model_copy / "model-card.json").unlink()
    with pytest.raises(ModelError, match="card not found"):
        Classifier.open(model_copy)


@pytest.mark.parametrize("suffix", [".keras", ".onnx"])
def test_evaluating_a_named_model_file_runs_that_file(tmp_path, real_cells, suffix):
    """Called with a model file and no backend, ``evaluate_folder`` ran the card's ONNX file
    whatever file was named: the figures of a .keras model were another file's."""
    from malariascope.core.evaluate import evaluate_folder
    from malariascope.core.modelfiles import sha256_of

    for label, paths in real_cells.items():
        (tmp_path / label).mkdir()
        for path in paths[:2]:
            shutil.copy(path, tmp_path / label / path.name)
    model = next(models_dir().glob(f"*{suffix}"))
    assert evaluate_folder(tmp_path, model).model_sha256 == sha256_of(model)
