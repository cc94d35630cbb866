"""``train`` on the NIH cells as people have them: the class folders as published, split here by
slide with the manifest pinned in the card, and a train/test pair that shares slides."""

from __future__ import annotations

import csv
import os

import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

from malariascope.cli._tensorflow import _notices_dropped  # noqa: E402
from malariascope.core.modelcard import ModelFile, load_card  # noqa: E402
from malariascope.core.modelfiles import sha256_of  # noqa: E402
from malariascope.core.split import open_split  # noqa: E402
from malariascope.training.data import read_split  # noqa: E402
from tests.command_line import cli  # noqa: E402
from tests.layouts import write_published, write_split_by_cell  # noqa: E402


@pytest.fixture(autouse=True)
def _tensorflow_log_level_restored(monkeypatch):
    """``train`` sets TensorFlow's native log level for the process; other tests keep theirs."""
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)


SHARED = "12 of 12 test slides also appear in train: test figures will read higher than on new " \
         "patients"


def test_train_splits_the_published_layout_and_pins_the_manifest_in_the_card(
    tmp_path, capsys
):
    root = write_published(tmp_path / "cells", names=("PARASITIZED", "uninfected"))
    out = tmp_path / "model"
    result = cli(capsys, "train", root, "--out", out, "--epochs", "1", "--input-size", "16",
                 "--test-per-class", "12")
    assert result.code == 0, result.err
    card = load_card(out)
    assert card.split_manifest == ModelFile("split.csv", sha256_of(out / "split.csv"))
    with open(out / "split.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 90
    slides = {part: {row["slide"] for row in rows if row["part"] == part}
              for part in ("train", "validation", "test")}
    assert all(slides.values()) and sum(map(len, slides.values())) == 12  # none on two sides
    expected = open_split(root, test_per_class=12, seed=1)
    assert sorted(row["path"] for row in rows if row["part"] == "test") == sorted(
        path.relative_to(root).as_posix() for path in expected.test.paths)
    assert card.trained_on["test_slides"] == len(slides["test"])
    assert card.trained_on["test_slides_shared_with_train"] == 0
    assert card.trained_on["test_per_class"] == 12
    assert f"class folders in {root}: split by slide (seed 1)" in result.out
    assert "epoch 1/1: loss " in result.out and ", val_auc " in result.out
    assert "## Test split (slides never seen in training)" in (out / "README.md").read_text(
        encoding="utf-8")


def test_train_tells_test_slides_it_shares_and_refuses_them_under_strict_split(tmp_path, capsys):
    root = write_split_by_cell(tmp_path / "cells")
    lines = []
    split = read_split(root, None, seed=1, strict=False, log=lines.append)
    assert lines == [SHARED]
    assert split.facts() == {"test_slides": 12, "test_slides_shared_with_train": 12}
    out = tmp_path / "model"
    result = cli(capsys, "train", root, "--out", out, "--strict-split")
    assert result.code == 2 and result.out == ""
    assert result.err == f"malariascope: error: {SHARED} (refused under --strict-split)\n"
    assert not out.exists()


def test_tensorflows_load_notices_are_dropped_and_other_stderr_is_kept(capfd):
    notices = (b"WARNING: All log messages before absl::InitializeLog() is called are written "
               b"to STDERR\n"
               b"I0000 00:00:1796291727.421802   20622 port.cc:153] oneDNN custom operations "
               b"are on.\n"
               b"E0000 00:00:1796291727.5 20622 cuda_dnn.cc:8310] Unable to register cuDNN "
               b"factory\n")
    with _notices_dropped():
        os.write(2, notices + b"a line the user must see\n")
    assert capfd.readouterr().err == "a line the user must see\n"
    with pytest.raises(ImportError), _notices_dropped():  # a failed import shows everything
        os.write(2, notices)
        raise ImportError("no tensorflow")
    assert capfd.readouterr().err == notices.decode()
