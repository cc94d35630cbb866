"""The model card cannot be swapped through its files: files only beside it, regular files of
bounded size, weights in one file that its hash covers, a missing path named as given."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from malariascope.core.backends.onnx_external import (
    DATA_LOCATION,
    EXTERNAL,
    EXTERNAL_DATA,
    SCHEMA,
    uses_external_data,
)
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
from malariascope.core.modelcard import load_card
from malariascope.core.modelfiles import MAX_CARD_BYTES, sha256_of
from tests.core.cards import BUNDLED, changed, write_card


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


def test_a_model_path_that_does_not_exist_is_named_as_given(tmp_path):
    """``--model /nonexist`` said "model card not found: /model-card.json", a path nobody
    typed: a name that is no folder was taken for a model file in the folder above."""
    missing = tmp_path / "nonexist"
    with pytest.raises(ModelError, match=f"^model not found: {missing} \\(no such file or "
                                         "folder\\)$"):
        load_card(missing)
