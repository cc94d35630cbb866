"""Write the trained model as ``.keras`` and ``.onnx`` with a model card pinning both.

The ONNX file is the screening model (probability and last-conv features) the app runs with
ONNX Runtime; the ``.keras`` file is the reference. Both are reloaded and checked against the
in-memory model before the card is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import keras
import numpy as np

from malariascope import __version__
from malariascope.core.atomic import atomic_path, write_bytes_atomic
from malariascope.core.classifier import uncertain_band
from malariascope.core.dataset import CLASS_NAMES
from malariascope.core.modelcard import CARD_NAME, card_markdown, sha256_of
from malariascope.core.preprocess import PREPROCESSING
from malariascope.training.model import LAST_CONV, head_weights, screening_model

MODEL_NAME = "malariascope-cnn"


def export_model(model: keras.Model, out_dir: Path, facts: dict, sample_inputs: np.ndarray) -> dict:
    """Save both model files and the card into ``out_dir``; returns the card."""
    out_dir.mkdir(parents=True, exist_ok=True)
    keras_path = out_dir / f"{MODEL_NAME}.keras"
    onnx_path = out_dir / f"{MODEL_NAME}.onnx"
    with atomic_path(keras_path, suffix=".keras") as tmp:
        _without_training_state(model).save(tmp)
    screening = screening_model(model)
    expected = screening.predict(sample_inputs, verbose=0)
    with atomic_path(onnx_path, suffix=".onnx") as tmp:
        screening.export(str(tmp), format="onnx", verbose=False)
    _check_reloads(keras_path, onnx_path, sample_inputs, expected)

    threshold = facts["threshold"]
    weights, bias = head_weights(model)
    card = {
        "name": MODEL_NAME,
        "version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "input_size": int(model.input_shape[1]),
        "input": "RGB uint8 values as float32, NHWC; rescaling is inside the model",
        "preprocessing": PREPROCESSING,
        "class_names": list(CLASS_NAMES),
        "positive_class": CLASS_NAMES[1],
        "uncertain_band": list(uncertain_band(threshold)),
        "parameters": int(model.count_params()),
        "last_conv_layer": LAST_CONV,
        "head": {"weights": weights, "bias": bias},
        **facts,
        "files": {
            "keras": {"name": keras_path.name, "sha256": sha256_of(keras_path)},
            "onnx": {"name": onnx_path.name, "sha256": sha256_of(onnx_path)},
        },
    }
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    write_bytes_atomic(out_dir / CARD_NAME, text.encode("utf-8"))
    write_bytes_atomic(out_dir / "README.md", card_markdown(card).encode("utf-8"))
    return card


def _without_training_state(model: keras.Model) -> keras.Model:
    """A fresh uncompiled copy: the file then holds no optimizer state (a third of the size)."""
    clean = keras.models.clone_model(model)
    clean.set_weights(model.get_weights())
    return clean


def _check_reloads(keras_path: Path, onnx_path: Path, x: np.ndarray, expected: list) -> None:
    """Assert that both written files give the in-memory model's outputs."""
    import onnxruntime as ort

    reloaded = keras.saving.load_model(keras_path, safe_mode=True)
    again = screening_model(reloaded).predict(x, verbose=0)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})
    for name, outputs in (("keras", again), ("onnx", onnx_out)):
        for got, want in zip(outputs, expected, strict=True):
            if not np.allclose(got, want, atol=1e-4):
                raise RuntimeError(f"reloaded {name} model disagrees with the trained one")
