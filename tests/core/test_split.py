"""The NIH cells as people have them: the published layout split by slide, the split written as
folders, a train/test pair that shares slides told or refused, and a card that tells it."""

from __future__ import annotations

import csv
import dataclasses
import errno
import json
import os
import re

import pytest

from malariascope.core import evaluate as evaluate_module
from malariascope.core.adapt.card import adapted_card
from malariascope.core.adapt.fit import Calibration
from malariascope.core.cardtext import card_markdown
from malariascope.core.errors import CallsDisagreeError, DatasetError
from malariascope.core.modelcard import ModelCard, ModelFile, load_card
from malariascope.core.split import open_split, slide_overlap
from tests.command_line import cli
from tests.images import make_cell, write_rgb
from tests.layouts import write_published, write_split_by_cell


def test_the_published_layout_is_split_by_slide_the_same_way_for_a_seed(tmp_path):
    write_published(tmp_path / "cell_images" / "cell_images")  # nested, as common mirrors are
    split = open_split(tmp_path / "cell_images", test_per_class=12, seed=1)
    assert split.classes_in == tmp_path / "cell_images" / "cell_images"
    assert not set(split.train.slides) & set(split.test.slides)
    assert slide_overlap(split.train, split.test).shared == 0
    assert len(split.train) + len(split.test) == 90
    for count in split.test.counts().values():
        assert 8 <= count <= 16  # about 12: whole slides of 3 to 5 cells of a class
    again = open_split(tmp_path / "cell_images", test_per_class=12, seed=1)
    other = open_split(tmp_path / "cell_images", test_per_class=12, seed=2)
    assert again.test.paths == split.test.paths and again.train.paths == split.train.paths
    assert set(other.test.slides) != set(split.test.slides)
    assert split.facts() == {"test_slides": len(set(split.test.slides)),
                             "test_slides_shared_with_train": 0, "test_per_class": 12}


def test_cells_without_a_slide_id_are_each_their_own_group(tmp_path):
    for name, parasitized in (("PARASITIZED", True), ("uninfected", False)):
        (tmp_path / name).mkdir()
        for index in range(30):
            write_rgb(tmp_path / name / f"{name[0]}{index}.png",
                      make_cell(size=40, parasitized=parasitized, seed=index))
    split = open_split(tmp_path, test_per_class=7, seed=1)
    assert split.test.counts() == {"uninfected": 7, "parasitized": 7}
    assert split.overlap.test_slides == 0


@pytest.mark.parametrize("layout", ["published", "train and test"])
def test_a_cell_in_both_class_folders_is_refused_before_training(tmp_path, layout):
    """A cell copied into the other class's folder was split and trained on under both
    labels."""
    if layout == "published":
        classes = write_published(tmp_path)
        parasitized, uninfected = classes / "Parasitized", classes / "Uninfected"
    else:
        write_split_by_cell(tmp_path)
        test = tmp_path / "test"
        parasitized, uninfected = test / "parasitized", test / "uninfected"
    cell = sorted(parasitized.iterdir())[0]
    twin = uninfected / "copy.png"
    twin.write_bytes(cell.read_bytes())
    with pytest.raises(CallsDisagreeError, match=(
            f"^{re.escape(f'{twin} and {cell}')} are the same cell, called uninfected in the "
            "first and parasitized in the second: keep each cell in one class folder only$")):
        open_split(tmp_path)


@pytest.mark.parametrize("layout, words", [
    ("empty", "no 'train' and 'test' folders, nor 'parasitized' and 'uninfected' ones"),
    ("both", "holds both train and test and class folders"),
    ("two mirrors", "each hold class folders: give one of them"),
    ("a test size for train/ and test/", "--test-per-class sizes the split of the published"),
    ("a test size too large", "a test part of 30 cells per class would leave too few"),
])
def test_a_folder_that_cannot_be_split_is_refused(tmp_path, layout, words):
    if layout == "both":
        write_split_by_cell(tmp_path)
        write_published(tmp_path, infected=2, healthy=0)
    elif layout == "two mirrors":
        write_published(tmp_path / "one", infected=2, healthy=0)
        write_published(tmp_path / "two", infected=2, healthy=0)
    elif layout == "a test size for train/ and test/":
        write_split_by_cell(tmp_path)
    elif layout == "a test size too large":
        write_published(tmp_path)
    with pytest.raises(DatasetError, match=words):
        open_split(tmp_path, test_per_class=None if layout == "both" else 30)


def read_manifest(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_split_writes_the_parts_as_hard_links_and_the_manifest(tmp_path, capsys):
    root = write_published(tmp_path / "cells")
    out = tmp_path / "split"
    result = cli(capsys, "split", root, "--out", out, "--test-per-class", "12")
    assert result.code == 0, result.err
    assert "(hard links)" in result.out
    rows = read_manifest(out / "split.csv")
    assert len(rows) == 90 and list(rows[0]) == ["path", "class", "slide", "part"]
    expected = open_split(root, test_per_class=12, seed=1)
    assert sorted(row["path"] for row in rows if row["part"] == "test") == sorted(
        path.relative_to(root).as_posix() for path in expected.test.paths)
    for row in rows:
        written = out / row["part"] / row["class"] / row["path"].rpartition("/")[2]
        assert os.path.samefile(written, root / row["path"])  # a link: the same file
    slides = {part: {row["slide"] for row in rows if row["part"] == part}
              for part in ("train", "test")}
    assert slides["test"] and not slides["train"] & slides["test"]
    assert sorted(p.name for p in out.iterdir()) == ["split.csv", "test", "train"]


def test_split_copies_where_the_file_system_cannot_link(tmp_path, capsys, monkeypatch):
    root = write_published(tmp_path / "cells", infected=4, healthy=1)
    monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(
        OSError(errno.EXDEV, "Invalid cross-device link")))
    result = cli(capsys, "split", root, "--out", tmp_path / "split", "--test-per-class", "4")
    assert result.code == 0 and "(copies)" in result.out
    for row in read_manifest(tmp_path / "split" / "split.csv"):
        written = tmp_path / "split" / row["part"] / row["class"] / row["path"].split("/")[-1]
        assert written.read_bytes() == (root / row["path"]).read_bytes()
        assert not os.path.samefile(written, root / row["path"])


def test_cells_that_are_relative_links_are_split_as_the_files_they_name(tmp_path, capsys):
    """A cell given as a relative symbolic link (cells kept once, linked into the layout) was
    hard-linked as the link itself: from DIR/{part}/{class} it named nothing, so every such
    cell of the split was unreadable while split said it wrote them."""
    cells = write_published(tmp_path / "kept")
    root = tmp_path / "cells"
    for path in sorted(cells.rglob("*.png")):
        link = root / path.relative_to(cells)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(path, link.parent))
    result = cli(capsys, "split", root, "--out", tmp_path / "split", "--test-per-class", "12")
    assert result.code == 0, result.err
    rows = read_manifest(tmp_path / "split" / "split.csv")
    for row in rows:
        written = tmp_path / "split" / row["part"] / row["class"] / row["path"].split("/")[-1]
        assert os.path.samefile(written, cells / row["path"])
    assert len(rows) == 90


def test_split_keeps_a_folder_holding_files_unless_overwrite_and_never_writes_in_root(
    tmp_path, capsys
):
    root = write_published(tmp_path / "cells", infected=4, healthy=1)
    out = tmp_path / "split"
    (out / "test" / "parasitized").mkdir(parents=True)
    (out / "test" / "parasitized" / "C99P1thinF_stale.png").write_bytes(b"an older split")
    (out / "notes.txt").write_text("mine")
    result = cli(capsys, "split", root, "--out", out, "--test-per-class", "4")
    assert result.code == 2
    assert result.err == (f"malariascope: error: {out} is not empty; choose another folder or "
                          "pass --overwrite\n")
    assert cli(capsys, "split", root, "--out", out, "--test-per-class", "4",
               "--overwrite").code == 0
    assert not list(out.rglob("*stale*")) and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "split.csv", "test", "train"]
    before = sorted(root.rglob("*"))
    for inside in (root, root / "split"):
        result = cli(capsys, "split", root, "--out", inside, "--test-per-class", "4")
        assert result.code == 2 and "write the split outside the cells it splits" in result.err
    assert sorted(root.rglob("*")) == before


def test_evaluate_tells_test_slides_shared_with_train_and_refuses_them_if_strict(
    tmp_path, capsys, monkeypatch
):
    root = write_split_by_cell(tmp_path / "cells")
    result = cli(capsys, "evaluate", root / "test", "--json", tmp_path / "m.json")
    assert result.code == 0, result.err
    assert result.err == ("12 of 12 test slides also appear in train: test figures will read "
                          "higher than on new patients\n")
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert figures["test_slides_shared_with_train"] == 12
    monkeypatch.setattr(evaluate_module, "evaluate_folder", lambda *a, **k: pytest.fail("scored"))
    result = cli(capsys, "evaluate", root / "test", "--strict-split")
    assert result.code == 2 and result.out == ""
    assert result.err.endswith("on new patients (refused under --strict-split)\n")


def test_evaluate_is_quiet_about_a_test_folder_split_by_slide(tmp_path, capsys):
    root = write_published(tmp_path / "cells", infected=4, healthy=1)
    assert cli(capsys, "split", root, "--out", tmp_path / "split", "--test-per-class",
               "4").code == 0
    result = cli(capsys, "evaluate", tmp_path / "split" / "test", "--strict-split", "--json",
                 tmp_path / "m.json")
    assert result.code == 0 and result.err == ""
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert figures["test_slides_shared_with_train"] == 0


def test_a_card_whose_test_slides_training_shares_says_so_and_lists_the_manifest():
    bundled = load_card()
    assert card_markdown(bundled).count("## Test split (slides never seen in training)") == 1
    card = dataclasses.replace(
        bundled, trained_on={**bundled.trained_on, "test_slides": 20,
                             "test_slides_shared_with_train": 3},
        split_manifest=ModelFile("split.csv", "0" * 64))
    assert ModelCard.from_dict(card.to_dict()) == card
    text = card_markdown(card)
    assert ("## Test split (3 of 20 test slides also in training: these figures read higher "
            "than on new patients)") in text
    assert f"- `split.csv` sha256 `{'0' * 64}` (each cell's part" in text
    unnamed = dataclasses.replace(card, trained_on={**card.trained_on, "test_slides": 0,
                                                    "test_slides_shared_with_train": 0})
    assert ("## Test split (file names without slide ids: not known to be kept out of "
            "training)") in card_markdown(unnamed)


def test_an_adapted_card_leaves_the_split_manifest_with_its_base_model():
    base = dataclasses.replace(load_card(), split_manifest=ModelFile("split.csv", "0" * 64))
    data = adapted_card(base, Calibration.of_card(base), {})
    assert data["split_manifest"] is None and ModelCard.from_dict(data).split_manifest is None


def test_a_folder_that_does_not_exist_is_told_so(tmp_path):
    """A mistyped folder was told as holding no 'train' and 'test' folders."""
    missing = tmp_path / "no such cells"
    with pytest.raises(DatasetError, match=f"^folder does not exist: {missing}$"):
        open_split(missing)
