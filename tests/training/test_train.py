"""Training end to end on a tiny generated dataset, and its building blocks."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

from malariascope.core.classifier import Classifier  # noqa: E402
from malariascope.core.errors import DatasetError, ModelError  # noqa: E402
from malariascope.core.modelcard import ModelFile, load_card  # noqa: E402
from malariascope.core.modelfiles import sha256_of  # noqa: E402
from malariascope.training.train import TrainConfig, train  # noqa: E402
from tests.images import make_cell, write_rgb  # noqa: E402


def make_dataset(root, per_class_train=48, per_class_test=12):
    """NIH-like layout with odd letter case, mixed formats and slide-prefixed names."""
    for split, count, folders in (
        ("train", per_class_train, ("Parasitized", "UNINFECTED")),
        ("test", per_class_test, ("parasitized", "uninfected")),
    ):
        for label, folder in enumerate(folders):
            target = root / split / folder
            target.mkdir(parents=True)
            for i in range(count):
                slide = f"C{(i % 8) + (100 if split == 'test' else 1)}P{i % 8}"
                suffix = ".png" if i % 3 else ".jpg"
                cell = make_cell(
                    size=int(50 + i % 30), parasitized=bool(label), seed=i + 1000 * label
                )
                write_rgb(target / f"{slide}ThinF_IMG_cell_{i}{suffix}", cell)
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = make_dataset(tmp_path_factory.mktemp("cells"))
    out = tmp_path_factory.mktemp("model")
    card = train(
        TrainConfig(root, out, epochs=2, seed=3, input_size=32, batch_size=16),
        log=lambda line: None,
    )
    return out, card


def test_training_writes_both_models_and_a_pinned_card(trained):
    out, card = trained
    on_disk = json.loads((out / "model-card.json").read_text(encoding="utf-8"))
    assert on_disk == card.to_dict() and card.path == out / "model-card.json"
    for fmt in ("keras", "onnx"):
        assert sha256_of(out / card.files[fmt].name) == card.files[fmt].sha256
    for key in (
        "input_size",
        "preprocessing",
        "threshold",
        "temperature",
        "class_names",
        "trained_on",
        "test_metrics",
        "created",
        "seed",
        "training_seconds",
    ):
        assert on_disk[key] is not None
    assert card.input_size == 32 and card.recipe.seed == 3
    median, mad = card.healthy_log_odds  # where fields' scores are brought to
    assert np.isfinite(median) and mad > 0
    assert card.threshold <= card.field_threshold < 1  # calls cells of whole fields
    assert card.trained_on["test"] == {"parasitized": 12, "uninfected": 12}
    train_counts, val_counts = card.trained_on["train"], card.trained_on["validation"]
    assert sum(train_counts.values()) + sum(val_counts.values()) == 96


def test_trained_model_reloads_safely_and_backends_agree(trained):
    out, _ = trained
    cells = np.stack([make_cell(size=32, parasitized=bool(i % 2), seed=i) for i in range(6)])
    onnx = Classifier.open(out, "onnx").predict(cells)
    tf = Classifier.open(out, "tensorflow").predict(cells)  # loads with safe_mode=True
    assert np.abs(onnx.probabilities - tf.probabilities).max() < 1e-4
    assert np.allclose(
        onnx.class_maps, tf.class_maps, atol=1e-3 * (1 + np.abs(onnx.class_maps).max())
    )


def test_the_keras_file_holds_no_optimizer_state(trained):
    """Only what inference needs; the Adam moments tripled the file."""
    import io
    import zipfile

    import h5py

    out, card = trained
    with zipfile.ZipFile(out / card.files["keras"].name) as archive:
        config = json.loads(archive.read("config.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        assert "optimizer" not in weights and not config.get("compile_config")


def test_fine_tuning_starts_from_the_given_model_and_records_it(trained, tmp_path):
    out, first = trained
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=6)
    init = out / first.files["keras"].name
    card = train(TrainConfig(root, tmp_path / "tuned", epochs=1, seed=4, input_size=32,
                             batch_size=16, learning_rate=1e-4, init_model=init),
                 log=lambda line: None)
    assert card.fine_tuned_from == ModelFile(init.name, sha256_of(init))
    assert card.recipe.learning_rate == 1e-4 and first.fine_tuned_from is None
    assert card.parameters == first.parameters
    by_folder = train(TrainConfig(root, tmp_path / "again", epochs=1, seed=4, input_size=32,
                                  batch_size=16, learning_rate=1e-4, init_model=out),
                      log=lambda line: None)
    assert by_folder.fine_tuned_from == card.fine_tuned_from  # the file, not the folder
    readme = (tmp_path / "tuned" / "README.md").read_text(encoding="utf-8")
    assert f"fine-tuned from | `{init.name}` sha256 `{sha256_of(init)[:16]}" in readme
    assert "fine-tuned from" not in (out / "README.md").read_text(encoding="utf-8")
    with pytest.raises(ModelError, match="takes 32 px inputs, not 48: pass --input-size 32"):
        train(TrainConfig(root, tmp_path / "wrong", epochs=1, input_size=48, init_model=init),
              log=lambda line: None)


def test_the_model_to_fine_tune_is_hash_checked_before_the_cells_are_decoded(
    trained, tmp_path, monkeypatch
):
    """It was opened whatever its bytes, with no card (and a wrong file was a traceback after
    every cell had been decoded)."""
    from malariascope.training import train as train_module

    out, card = trained
    root = make_dataset(tmp_path / "cells", per_class_train=8, per_class_test=2)
    monkeypatch.setattr(train_module, "load_arrays", lambda *a: pytest.fail("decoded cells"))
    altered = tmp_path / "altered"
    altered.mkdir()
    for name in ("model-card.json", card.files["keras"].name):
        (altered / name).write_bytes((out / name).read_bytes())
    with open(altered / card.files["keras"].name, "ab") as handle:
        handle.write(b"tampered")
    loose = tmp_path / "loose.keras"
    loose.write_bytes((out / card.files["keras"].name).read_bytes())
    for init, words in ((altered / card.files["keras"].name, "does not match its card"),
                        (loose, "model card not found"),
                        (tmp_path / "missing.keras", "model to fine-tune not found")):
        with pytest.raises(ModelError, match=words):
            train(TrainConfig(root, tmp_path / "tuned", epochs=1, input_size=32, init_model=init),
                  log=lambda line: None)


@pytest.mark.parametrize("kind", ["file", "under a file"])
def test_an_output_folder_that_cannot_take_the_model_is_refused_before_training(
    tmp_path, monkeypatch, kind
):
    """It was found only when the model was written, after the whole training, as a traceback."""
    from malariascope.core.errors import ExportError
    from malariascope.training import train as train_module

    root = make_dataset(tmp_path / "cells", per_class_train=8, per_class_test=2)
    (tmp_path / "taken").write_text("not a folder")
    out = tmp_path / "taken" if kind == "file" else tmp_path / "taken" / "models"
    monkeypatch.setattr(train_module, "load_arrays", lambda *a: pytest.fail("decoded cells"))
    with pytest.raises(ExportError, match="taken"):
        train(TrainConfig(root, out, epochs=1, input_size=16), log=lambda line: None)


@pytest.mark.parametrize("inside", ["train/Parasitized/model", "test"])
def test_train_refuses_a_model_folder_among_its_cells_before_decoding_them(
    tmp_path, monkeypatch, inside
):
    """Only the CLI refused it: train() itself wrote the model's files among the cells."""
    from malariascope.core.errors import ExportError
    from malariascope.training import train as train_module

    root = make_dataset(tmp_path / "cells", per_class_train=8, per_class_test=2)
    before = sorted(root.rglob("*"))
    monkeypatch.setattr(train_module, "load_arrays", lambda *a: pytest.fail("decoded cells"))
    with pytest.raises(ExportError, match="write the model outside the cells"):
        train(TrainConfig(root, root / inside, epochs=1, input_size=16), log=lambda line: None)
    assert sorted(root.rglob("*")) == before


def test_a_failed_run_leaves_no_output_folder_it_made(tmp_path):

    (tmp_path / "cells" / "train").mkdir(parents=True)
    with pytest.raises(DatasetError):
        train(TrainConfig(tmp_path / "cells", tmp_path / "new" / "models", epochs=1),
              log=lambda line: None)
    assert not (tmp_path / "new").exists()


def test_a_model_already_in_the_output_folder_is_kept_unless_overwrite(
    trained, tmp_path, monkeypatch
):
    """It was replaced without a word, at the end of the run (an earlier or tuned model lost)."""
    from malariascope.core.errors import ModelExistsError
    from malariascope.training import train as train_module

    out, _ = trained
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    root = make_dataset(tmp_path / "cells", per_class_train=8, per_class_test=2)
    monkeypatch.setattr(train_module, "load_arrays", lambda *a: pytest.fail("decoded cells"))
    with pytest.raises(ModelExistsError, match="already holds malariascope-cnn.keras"):
        train(TrainConfig(root, out, epochs=1, input_size=32), log=lambda line: None)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    with pytest.raises(pytest.fail.Exception, match="decoded cells"):  # allowed: it goes on
        train(TrainConfig(root, out, epochs=1, input_size=32, overwrite=True),
              log=lambda line: None)


def test_fine_tuning_an_onnx_model_says_the_keras_one_is_needed(tmp_path):
    """The .onnx file beside the card is one the card lists: the error said it was not."""
    from malariascope.training.initfile import checked_init_file

    bundled = load_card()
    for name in ("model-card.json", *(entry.name for entry in bundled.files.values())):
        (tmp_path / name).write_bytes((bundled.path.parent / name).read_bytes())
    keras_name, onnx_name = (bundled.files[fmt].name for fmt in ("keras", "onnx"))
    assert checked_init_file(tmp_path / keras_name) == tmp_path / keras_name
    with pytest.raises(ModelError, match=rf"fine-tunes a \.keras model: give {keras_name}") as err:
        checked_init_file(tmp_path / onnx_name)
    assert "not the model" not in str(err.value)
