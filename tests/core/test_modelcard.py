"""The model card cannot be swapped: every value checked, files only beside it, regular files
of bounded size, the bundled card pinned; each refusal is one line and exit 2 from the CLI."""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from malariascope.cli import main
from malariascope.core.backends.onnx_external import (
    DATA_LOCATION,
    EXTERNAL,
    EXTERNAL_DATA,
    SCHEMA,
    uses_external_data,
)
from malariascope.core.cardtext import card_markdown
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
from malariascope.core.modelcard import BUNDLED_CARD_SHA256, CARD_NAME, ModelCard, load_card
from malariascope.core.modelfiles import MAX_CARD_BYTES, MODELS_ENV, bundled_dir, sha256_of
from tests.images import make_cell_folder

BUNDLED = bundled_dir()


def bundled_card() -> dict:
    return json.loads((BUNDLED / CARD_NAME).read_text(encoding="utf-8"))


@pytest.fixture
def models(tmp_path) -> Path:
    """A copy of the bundled model folder."""
    folder = tmp_path / "models"
    shutil.copytree(BUNDLED, folder)
    return folder


def write_card(folder: Path, card: object) -> Path:
    path = folder / CARD_NAME
    path.write_text(json.dumps(card), encoding="utf-8")
    return path


def changed(**values) -> dict:
    """The bundled card with ``values`` set (a dotted name sets a value inside an object)."""
    card = bundled_card()
    for name, value in values.items():
        *outer, key = name.split("__")
        inner = card
        for part in outer:
            inner = inner[part]
        inner[key] = value
    return card


def test_the_bundled_card_reads_back_as_written():
    card = load_card()
    assert card.to_dict() == bundled_card()
    assert ModelCard.from_dict(card.to_dict()) == card
    assert card_markdown(card) == (BUNDLED / "README.md").read_text(encoding="utf-8")


RUN = {"seed": 1, "split_seed": None, "epochs_run": 15, "training_seconds": 1992.0}


def test_a_card_of_several_networks_reads_as_text_with_or_without_their_width():
    card = ModelCard.from_dict({**bundled_card(), **RUN, "members": 3})
    assert "seed 1, 3 networks side by side, 33.2 min" in card_markdown(card)
    card = ModelCard.from_dict({**bundled_card(), **RUN, "members": 3, "member_width": 0.5})
    assert "seed 1, 3 networks of width 0.5 side by side, 33.2 min" in card_markdown(card)


def test_a_card_names_its_split_seed_and_trimmed_share_and_writes_them_back():
    data = {**bundled_card(), **RUN, "split_seed": 7, "trim": 0.05}
    card = ModelCard.from_dict(data)
    assert (card.recipe.split_seed, card.recipe.trim) == (7, 0.05)
    assert card.to_dict() == data
    assert ("15 epochs, seed 1 (validation slides: seed 7), 5% of each batch's highest losses "
            "left out, 33.2 min on CPU") in card_markdown(card)


def test_a_card_names_its_share_of_overlapped_cells_and_writes_it_back():
    data = {**bundled_card(), **RUN, "overlap": 0.3}
    del data["split_seed"]
    card = ModelCard.from_dict(data)
    assert card.recipe.overlap == 0.3 and card.to_dict() == data
    assert ("15 epochs, seed 1, a healthy cell laid across 30% of the cells, 33.2 min on CPU"
            in card_markdown(card))


def test_a_card_names_its_streaks_and_synthetic_parasites_and_writes_them_back():
    data = {**bundled_card(), **RUN, "overlap": 0.3, "streaks": 0.2, "parasites": 0.3}
    del data["split_seed"]
    card = ModelCard.from_dict(data)
    assert (card.recipe.streaks, card.recipe.parasites) == (0.2, 0.3)
    assert card.to_dict() == data
    assert ("a healthy cell laid across 30% of the cells, a stained streak across 20%, "
            "synthetic parasites on 30% of the healthy cells, 33.2 min") in card_markdown(card)
    assert "synthetic" not in card_markdown(ModelCard.from_dict(bundled_card())), (
        "the default share is not worded")


def test_a_card_counts_the_cells_a_label_review_left_out_and_writes_them_back():
    data = {**bundled_card(), **RUN, "reviewed_out": 39}
    del data["split_seed"]  # a run without a split seed writes none
    card = ModelCard.from_dict(data)
    assert card.recipe.reviewed_out == 39 and card.to_dict() == data
    assert ("15 epochs, seed 1, 39 cells left out whose label a review contradicts, 33.2 min "
            "on CPU") in card_markdown(card)


WRONG_VALUES = {  # name -> (card, words of the one-line refusal)
    "threshold NaN": (changed(threshold=math.nan), "threshold must be a finite number"),
    "threshold 2": (changed(threshold=2.0), "threshold must be between 0 and 1, got 2.0"),
    "threshold 0": (changed(threshold=0), "threshold must be between 0 and 1"),
    "threshold text": (changed(threshold="0.5"), "threshold must be a finite number, got '0.5'"),
    "threshold true": (changed(threshold=True), "threshold must be a finite number"),
    "threshold null": (changed(threshold=None), "lacks threshold"),
    "temperature 0": (changed(temperature=0), "temperature must be above 0"),
    "classes swapped": (changed(class_names=["parasitized", "uninfected"]),
                        "class_names must be ['uninfected', 'parasitized'], got "
                        "['parasitized', 'uninfected']"),
    "positive class unknown": (changed(positive_class="nope"),
                               "positive_class must be 'parasitized', got 'nope'"),
    "learning rate 0": (changed(learning_rate=0), "learning_rate must be above 0, got 0"),
    "trim 0.8": (changed(trim=0.8), "trim must be from 0 to 0.5, got 0.8"),
    "trim text": (changed(trim="5%"), "trim must be a finite number"),
    "overlap 1.5": (changed(overlap=1.5), "overlap must be from 0 to 1, got 1.5"),
    "reviewed out -1": (changed(reviewed_out=-1),
                        "reviewed_out must be a whole number of at least 0, got -1"),
    "temperature -1": (changed(temperature=-1), "temperature must be above 0"),
    "temperature huge": (changed(temperature=10**400), "temperature must be a finite number"),
    "input size 4": (changed(input_size=4), "input_size must be from 8 to 512 pixels"),
    "input size 10^6": (changed(input_size=10**6), "input_size must be from 8 to 512 pixels"),
    "input size 64.0": (changed(input_size=64.0), "input_size must be a whole number"),
    "band reversed": (changed(uncertain_band=[0.38, 0.07]),
                      "uncertain_band must be [low, high] around the threshold, got [0.38, 0.07]"),
    "band beside": (changed(uncertain_band=[0.3, 0.4]), "around the threshold"),
    "band of 3": (changed(uncertain_band=[0.1, 0.2, 0.3]), "a list of 2 numbers"),
    "field threshold below": (changed(field_threshold=0.1), "field_threshold must be from the"),
    "field threshold 1.5": (changed(field_threshold=1.5), "field_threshold must be from the"),
    "healthy MAD 0": (changed(healthy_log_odds__mad=0), "healthy_log_odds.mad must be above 0"),
    "healthy median text": (changed(healthy_log_odds__median="x"),
                            "healthy_log_odds.median must be a finite number"),
    "healthy a list": (changed(healthy_log_odds=[1, 2]),
                       "healthy_log_odds must be a JSON object, got [1, 2]"),
    "head weights empty": (changed(head__weights=[]), "head.weights must be a list of numbers"),
    "head weight NaN": (changed(head__weights=[math.nan] * 128), "head.weights must be a list"),
    "head a string": (changed(head="weights"), "head must be a JSON object, got 'weights'"),
    "file up a folder": (changed(files__onnx__name="../malariascope-cnn.onnx"),
                         "files.onnx.name must be a file name in the card's folder"),
    "file absolute": (changed(files__onnx__name="/etc/passwd"), "files.onnx.name must be a"),
    "file on a drive": (changed(files__onnx__name="C:model.onnx"), "files.onnx.name must be"),
    "short sha256": (changed(files__onnx__sha256="4a50d307"), "must be 64 hex digits"),
    "manifest up a folder": (changed(split_manifest={"file": "../split.csv", "sha256": "0" * 64}),
                             "split_manifest.name must be a file name in the card's folder"),
    "manifest sha256 short": (changed(split_manifest={"file": "split.csv", "sha256": "0"}),
                              "split_manifest.sha256 must be 64 hex digits"),
    "no files": (changed(files={}), "files must be one model file or more"),
    "views 4": (changed(views=4), "views must be one of (1, 8), got 4"),
    "metrics n text": (changed(test_metrics__n="2600"), "test_metrics.n must be a whole number"),
    "trained_on text": (changed(trained_on__test="many"), "trained_on.test must be a whole"),
    "name on two lines": (changed(name="lab\nmodel"), "name must be text on one line"),
    "name with a line separator": (changed(name="lab\u2028model"), "name must be text on one"),
    "version with an escape": (changed(version="1\x1b[2J"), "version must be text on one line"),
    "no name": ({k: v for k, v in bundled_card().items() if k != "name"}, "lacks name"),
    "no head": ({k: v for k, v in bundled_card().items() if k != "head"}, "lacks head"),
    "a list": ([bundled_card()], "the card must be a JSON object, got a list of 1"),
    "a number": (3, "the card must be a JSON object, got 3"),
}


@pytest.mark.parametrize("name", WRONG_VALUES)
def test_every_card_value_is_checked_with_one_clear_error(models, name):
    card, words = WRONG_VALUES[name]
    path = write_card(models, card)
    with pytest.raises(ModelError) as refused:
        load_card(models)
    message = str(refused.value)
    assert message.startswith(f"model card {path} ") and words in message
    assert "\n" not in message


def test_a_malformed_card_is_one_line_and_exit_2_from_the_cli(models, tmp_path, capsys):
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    out = tmp_path / "r.csv"
    for card in ('{"name": ', "[" * 100_000 + "]" * 100_000, "\ufeff{}", '{"name": "x"}',
                 json.dumps(changed(threshold=[0.5]))):
        (models / CARD_NAME).write_text(card, encoding="utf-8")
        code = main(["classify", str(cell), "--csv", str(out), "--model", str(models)])
        error = capsys.readouterr().err
        assert code == 2 and error.startswith("malariascope: error: model card ")
        assert error.count("\n") == 1 and not out.exists()


def test_a_card_must_fit_its_model(models):
    """The head must have one weight per feature of the model, the input its side."""
    write_card(models, changed(head__weights=[0.1] * 127))
    with pytest.raises(ModelError, match="gives 128 features, but its card's head has 127"):
        Classifier.open(models)
    write_card(models, changed(input_size=32))
    with pytest.raises(ModelError, match="takes 64 px inputs, but its card says 32"):
        Classifier.open(models)


def test_model_files_outside_the_cards_folder_are_refused_even_with_their_hash(models):
    """A card may only name files beside it: ../ and absolute paths were opened."""
    onnx = models / "malariascope-cnn.onnx"
    outside = models.parent / "elsewhere.onnx"
    shutil.copy(onnx, outside)
    for name in ("../elsewhere.onnx", str(outside)):
        write_card(models, changed(files__onnx__name=name))
        with pytest.raises(ModelError, match="a file name in the card's folder"):
            Classifier.open(models)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_device_as_the_card_is_refused_at_once(models):
    """A FIFO named as the card hung forever; /dev/zero read to a MemoryError."""
    fifo = models / "fifo.json"
    os.mkfifo(fifo)
    (models / "zero.json").symlink_to("/dev/zero")
    for card in (fifo, models / "zero.json"):
        assert refusal(load_card, card) == f"model card {card} is not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_the_model_file_is_refused(models):
    onnx = models / "malariascope-cnn.onnx"
    onnx.unlink()
    os.mkfifo(onnx)
    assert refusal(Classifier.open, models) == f"model file {onnx} is not a regular file"


def refusal(load, path: Path) -> str:
    """The ModelError of ``load(path)``, waited for in a thread that may block for good."""
    outcome = ["still blocked after 20 s"]

    def attempt() -> None:
        try:
            load(path)
            outcome[0] = "accepted"
        except ModelError as exc:
            outcome[0] = str(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=20)
    return outcome[0]


def test_a_card_too_large_is_not_read(models):
    card = changed(padding="x" * MAX_CARD_BYTES)
    path = write_card(models, card)
    with pytest.raises(ModelError, match=f"model card {path} is too large"):
        load_card(models)


def test_a_card_read_by_the_cli_from_a_model_beside_it_is_checked_too(models, tmp_path, capsys):
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    write_card(models, changed(temperature=-1))
    code = main(["classify", str(cell), "--csv", str(tmp_path / "r.csv"),
                 "--model", str(models / "malariascope-cnn.onnx")])
    assert code == 2
    assert capsys.readouterr().err == (f"malariascope: error: model card {models / CARD_NAME} is "
                                       "invalid: temperature must be above 0, got -1.0\n")


def test_an_onnx_model_with_external_data_is_refused(models):
    """Its weights lie in another file that the card's hash does not cover: swapping that
    file called every cell parasitized with the same model_sha256."""
    onnx = pytest.importorskip("onnx", reason="writing external data needs the onnx package")
    model_path = models / "malariascope-cnn.onnx"
    model = onnx.load(model_path)
    onnx.save_model(model, model_path, save_as_external_data=True,
                    all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    write_card(models, changed(files__onnx__sha256=sha256_of(model_path)))
    with pytest.raises(ModelError, match="keeps tensors in other files"):
        Classifier.open(models)


def test_the_external_data_walk_follows_onnx_field_numbers():
    onnx = pytest.importorskip("onnx", reason="the field numbers come from the onnx package")
    for message, fields in SCHEMA.items():
        descriptor = getattr(onnx, message).DESCRIPTOR
        for number, inner in fields.items():
            assert descriptor.fields_by_number[number].message_type.name == inner
    tensor = onnx.TensorProto.DESCRIPTOR.fields_by_name
    assert tensor["external_data"].number == EXTERNAL_DATA
    assert tensor["data_location"].number == DATA_LOCATION
    assert onnx.TensorProto.EXTERNAL == EXTERNAL
    assert not uses_external_data((BUNDLED / "malariascope-cnn.onnx").read_bytes())


def test_the_pin_is_the_bundled_cards_sha256():
    assert sha256_of(BUNDLED / CARD_NAME) == BUNDLED_CARD_SHA256, (
        "models/model-card.json changed: update BUNDLED_CARD_SHA256 in core/modelcard.py")


def test_a_bundled_card_changed_in_place_is_refused(tmp_path, monkeypatch, capsys):
    """Valid in itself, so only the pin tells it from the card the app ships: such a card may
    name other model files with their hashes."""
    shutil.copytree(BUNDLED, tmp_path / "models")  # an unpacked app bundle
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.delenv(MODELS_ENV, raising=False)
    assert load_card().path == tmp_path / "models" / CARD_NAME
    write_card(tmp_path / "models", changed(threshold=0.2))
    with pytest.raises(ModelError, match="the bundled model card .* was changed or damaged"):
        load_card()
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    assert main(["classify", str(cell), "--csv", str(tmp_path / "r.csv")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    shutil.copytree(tmp_path / "models", tmp_path / "lab")  # a lab's own model: not pinned
    assert load_card(tmp_path / "lab").threshold == 0.2


def test_a_model_path_that_does_not_exist_is_named_as_given(tmp_path):
    """``--model /nonexist`` said "model card not found: /model-card.json", a path nobody
    typed: a name that is no folder was taken for a model file in the folder above."""
    missing = tmp_path / "nonexist"
    with pytest.raises(ModelError, match=f"^model not found: {missing} \\(no such file or "
                                         "folder\\)$"):
        load_card(missing)


def test_card_text_with_a_no_break_space_loads(models):
    """A name pasted from a document, its space a no-break one, was refused as not on one
    line."""
    write_card(models, changed(name="Lab\u00a0model", version="1\u2009b"))
    assert load_card(models).name == "Lab\u00a0model"
