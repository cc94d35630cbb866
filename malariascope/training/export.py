"""Write the trained model as ``.keras`` and ``.onnx`` with a model card pinning both.

The ONNX file is the screening model (probability and last-conv features) the app runs with
ONNX Runtime; the ``.keras`` file is the reference. Both are reloaded and checked against the
in-memory model before the card is written. The four files are written beside their targets
and renamed into place together: a failure or a Ctrl-C part way never leaves a model file that
does not match the card beside it (the app would refuse it) or the earlier model half replaced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from pathlib import Path

import keras
import numpy as np
import onnx  # noqa: F401  Keras's ONNX export imports these only when the model is written,
import tf2onnx  # noqa: F401  after the whole training: a missing one is told before it, here

from malariascope import __version__
from malariascope.core.atomic import (
    Commit,
    at_once,
    output_folder,
    replace_together,
    temp_beside,
    why,
    write_synced,
)
from malariascope.core.backends.onnx_backend import import_onnxruntime
from malariascope.core.cardtext import card_markdown
from malariascope.core.errors import ExportError, ModelExistsError
from malariascope.core.logodds import uncertain_band
from malariascope.core.modelcard import CARD_NAME, ModelCard, ModelFile
from malariascope.core.modelfiles import sha256_of
from malariascope.core.options import CLASS_NAMES
from malariascope.core.preprocess import PREPROCESSING
from malariascope.core.split import MANIFEST_NAME
from malariascope.training.model import LAST_CONV, head_weights, screening_model

MODEL_NAME = "malariascope-cnn"
FILE_NAMES = (f"{MODEL_NAME}.keras", f"{MODEL_NAME}.onnx", CARD_NAME, "README.md")


def model_folder(out_dir: Path, overwrite: bool = False) -> contextlib.AbstractContextManager:
    """``out_dir`` checked before training starts (see ``core.atomic.output_folder``): a file
    in the way, a read-only place, or a model there not to be replaced is told at once, not
    after an hour of training."""
    if not overwrite:
        _refuse_existing(out_dir)
    return output_folder(out_dir, "the model", ExportError)


def _refuse_existing(out_dir: Path) -> None:
    """A model already in ``out_dir`` (an earlier run, a lab's tuned model) is not replaced
    unasked: it may be the only copy."""
    existing = [name for name in (*FILE_NAMES, MANIFEST_NAME) if (out_dir / name).exists()]
    if existing:
        raise ModelExistsError(out_dir, existing)


def export_model(model: keras.Model, out_dir: Path, facts: dict,
                 sample_inputs: np.ndarray, manifest: bytes | None = None,
                 commit: Commit = at_once) -> ModelCard:
    """Save both model files, the card and the split ``manifest`` into ``out_dir``, all or
    none; returns the card.

    Parameters
    ----------
    model
        The trained model (with its rescaling, last conv layer and logit).
    out_dir
        The folder the four files go to.
    facts
        The run's values of the card (``ModelCard`` fields: threshold, metrics, ...).
    sample_inputs
        Cells the written files must score as ``model`` does.
    manifest
        The split manifest's bytes, written as ``split.csv`` when given.
    commit
        Called with the renames that put the written files into ``out_dir``, to make them:
        what it raises before them leaves nothing there (a stop asked for during the export),
        and the CLI ignores stop signals from then on. By default they are made directly.

    Returns
    -------
    ModelCard
        The card written, read from ``out_dir``.
    """
    temps: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in FILE_NAMES:
            temps.append(temp_beside(out_dir / name, Path(name).suffix))
        card = _write_files(model, facts, sample_inputs, *temps)
        moves = list(zip(temps, [out_dir / name for name in FILE_NAMES], strict=True))
        if manifest is not None:
            temps.append(temp_beside(out_dir / MANIFEST_NAME))
            write_synced(temps[-1], manifest)
            moves.append((temps[-1], out_dir / MANIFEST_NAME))
        commit(lambda: replace_together(moves))
    except OSError as exc:
        raise ExportError(f"cannot write the model to {out_dir}: {why(exc)}") from exc
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return dataclasses.replace(card, path=out_dir / CARD_NAME)


def _write_files(model: keras.Model, facts: dict, sample_inputs: np.ndarray, keras_path: Path,
                 onnx_path: Path, card_path: Path, readme_path: Path) -> ModelCard:
    """Write the models and their card to these (temporary) paths, each model checked against
    the trained one; the card names the files by their final names."""
    _without_training_state(model).save(keras_path)
    screening = screening_model(model)
    expected = screening.predict(sample_inputs, verbose=0)
    screening.export(str(onnx_path), format="onnx", verbose=False)
    _check_reloads(keras_path, onnx_path, sample_inputs, expected)
    card = _card(model, facts, {"keras": keras_path, "onnx": onnx_path})
    text = json.dumps(card.to_dict(), indent=2, ensure_ascii=False) + "\n"
    write_synced(card_path, text.encode("utf-8"))
    write_synced(readme_path, card_markdown(card).encode("utf-8"))
    return card


def _card(model: keras.Model, facts: dict, files: dict[str, Path]) -> ModelCard:
    """The model card: how to feed the model, the run's ``facts``, the files' hashes."""
    weights, bias = head_weights(model)
    return ModelCard(
        name=MODEL_NAME,
        version=__version__,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        input_size=int(model.input_shape[1]),
        input="RGB uint8 values as float32, NHWC; rescaling is inside the model",
        preprocessing=PREPROCESSING,
        class_names=tuple(CLASS_NAMES),
        positive_class=CLASS_NAMES[1],
        uncertain_band=uncertain_band(facts["threshold"]),
        parameters=int(model.count_params()),
        last_conv_layer=LAST_CONV,
        head_weights=tuple(weights),
        head_bias=bias,
        files={fmt: ModelFile(f"{MODEL_NAME}.{fmt}", sha256_of(path))
               for fmt, path in files.items()},
        **facts,
    )


def _without_training_state(model: keras.Model) -> keras.Model:
    """A fresh uncompiled copy: the file then holds no optimizer state (a third of the size).
    Built from the config, as ``keras.models.clone_model`` compiles its copy like the original
    (Keras 3), which would save the optimizer's state along."""
    clean = keras.Model.from_config(model.get_config())
    clean.set_weights(model.get_weights())
    return clean


def _check_reloads(keras_path: Path, onnx_path: Path, x: np.ndarray, expected: list) -> None:
    """Assert that both written files give the in-memory model's outputs."""
    ort = import_onnxruntime()
    reloaded = keras.saving.load_model(keras_path, safe_mode=True)
    again = screening_model(reloaded).predict(x, verbose=0)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})
    for name, outputs in (("keras", again), ("onnx", onnx_out)):
        for got, want in zip(outputs, expected, strict=True):
            if not np.allclose(got, want, atol=1e-4):
                raise ExportError(f"the written {name} model disagrees with the trained one; "
                                  "nothing was replaced")
