"""What ``train`` refuses before TensorFlow is imported, so before it reads a cell."""

from __future__ import annotations

import shutil

from malariascope.core.modelcard import load_card
from tests.command_line import run_without
from tests.images import make_cell_folder
from tests.layouts import write_published


def test_an_init_that_is_no_model_with_its_card_is_told_first(tmp_path):
    """`--init cell.png` or a .keras copied without its card was told "model card not found"
    only after the whole data folder was read, without saying what --init needs."""
    root = write_published(tmp_path / "cells", infected=1, healthy=0, per_slide=1)
    (image,) = make_cell_folder(tmp_path / "pictures", 1)
    bare = tmp_path / "bare" / "malariascope-cnn.keras"
    bare.parent.mkdir()
    shutil.copy(load_card().model_file("keras"), bare)
    told = [(image, f"cannot fine-tune {image}: not a model file"),
            (bare, f"cannot fine-tune {bare}: model card not found "
                   f"({bare.parent / 'model-card.json'})"),
            (bare.parent, f"cannot fine-tune {bare.parent}: model card not found "
                          f"({bare.parent / 'model-card.json'})")]
    for init, words in told:
        result = run_without("tensorflow", "train", root, "--out", tmp_path / "out",
                             "--init", init)
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", f"malariascope: error: {words}; --init takes a .keras model with the "
                   "model-card.json that lists it, or their folder\n")
    assert not (tmp_path / "out").exists()
