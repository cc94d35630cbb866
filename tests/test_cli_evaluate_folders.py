"""``evaluate`` on a labelled folder it must read with care: hidden entries, files it cannot
read, class folders that share cells, and the test folder's check against training."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.command_line import cli
from tests.test_cli_evaluate import _labelled


def test_evaluate_passes_over_hidden_entries_of_the_class_folders(tmp_path, capsys, real_cells):
    """A deleted parasitized cell in the uninfected folder's trash was scored as a false
    positive, and macOS's ``._`` companion of a cell was counted unreadable."""
    _labelled(tmp_path, real_cells, 3)
    trash = tmp_path / "data" / "uninfected" / ".Trash-1000" / "files"
    trash.mkdir(parents=True)
    shutil.copy(real_cells["parasitized"][5], trash / "deleted.png")
    (tmp_path / "data" / "parasitized" / "._cell.png").write_bytes(b"\x00\x05\x16\x07" + bytes(60))
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 0, result.err
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert (figures["n"], figures["unreadable"]) == (6, 0)


def test_evaluate_names_each_image_it_could_not_read_and_exits_1(tmp_path, capsys, real_cells):
    """A labelled cell that could not be read was only counted ('unreadable: 1'), unnamed,
    and the run exited 0 as if every cell were scored; evaluate-fields exits 1 for a field."""
    _labelled(tmp_path, real_cells, 2)
    broken = tmp_path / "data" / "uninfected" / "broken.png"
    broken.write_bytes(b"")
    result = cli(capsys, "evaluate", tmp_path / "data")
    assert result.code == 1
    assert f"{broken}: empty file (0 bytes)" in result.err.splitlines()
    assert "cells        4 (without a call: 1 unreadable)" in result.out


def test_evaluate_counts_a_pipe_and_a_broken_link_named_as_cells_as_unreadable(
        tmp_path, capsys, real_cells):
    """A FIFO and a link to a moved file, named as cells, were left out of the search without
    a word: `unreadable: 0` and exit 0, where classify gives each an error row."""
    import os

    _labelled(tmp_path, real_cells, 3)
    os.mkfifo(tmp_path / "data" / "parasitized" / "pipe.png")
    (tmp_path / "data" / "uninfected" / "moved.png").symlink_to(tmp_path / "gone.png")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 1, result.err
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert (figures["n"], figures["unreadable"]) == (6, 2)
    assert "pipe.png: a pipe (FIFO)" in result.err and "moved.png: " in result.err


def _refused(capsys, tmp_path, data) -> str:
    """What ``evaluate DATA --json`` says on stderr, having printed no figures, written no
    JSON and exited 2."""
    result = cli(capsys, "evaluate", data, "--json", tmp_path / "m.json")
    assert (result.code, result.out) == (2, "")
    assert not (tmp_path / "m.json").exists()
    return result.err


@pytest.mark.parametrize("where", ["uninfected", "uninfected/slide 2"])
def test_evaluate_refuses_a_class_folder_that_links_to_the_other(
        tmp_path, capsys, real_cells, where):
    """`parasitized` a link to `uninfected` (or into it) had each cell screened under both
    labels: exit 0 and an accuracy of 0.5 made of nothing but the link."""

    _labelled(tmp_path, {"uninfected": real_cells["uninfected"]}, 3)
    data = tmp_path / "data"
    (data / where).mkdir(exist_ok=True)
    shutil.copy(real_cells["uninfected"][3], data / where)
    (data / "parasitized").symlink_to(data / where, target_is_directory=True)
    assert _refused(capsys, tmp_path, data) == (
        f"malariascope: error: {data / 'uninfected'} and {data / 'parasitized'} hold the same "
        "cells (one is a link to the other or inside it): give each class its own folder\n")


@pytest.mark.parametrize("how", ["copy", "hard link", "symbolic link"])
def test_evaluate_refuses_a_cell_copied_or_linked_into_both_class_folders(
        tmp_path, capsys, real_cells, how):
    """A parasitized cell copied (or linked) under another name into uninfected/ was scored
    under both labels: exit 0, one cell counted once right and once wrong."""
    _labelled(tmp_path, real_cells, 3)
    data = tmp_path / "data"
    (cell,) = (data / "parasitized").glob(real_cells["parasitized"][1].name)
    twin = data / "uninfected" / "renamed.png"
    {"copy": lambda: shutil.copy(cell, twin), "hard link": lambda: twin.hardlink_to(cell),
     "symbolic link": lambda: twin.symlink_to(cell)}[how]()
    (data / "parasitized" / "again.png").write_bytes(cell.read_bytes())  # same label: scored
    assert _refused(capsys, tmp_path, data) == (
        f"malariascope: error: {twin} and {cell} are the same cell, called uninfected in the "
        "first and parasitized in the second: keep each cell in one class folder only\n")


@pytest.mark.parametrize("name", ["holdout", "test"])
def test_evaluate_strict_split_with_no_train_folder_to_compare_is_refused(
        tmp_path, capsys, real_cells, name):
    """--strict-split on a folder not named test, or with no train folder beside it, checked
    nothing and said nothing: exit 0, as if its slides had been found apart from training's."""
    _labelled(tmp_path, real_cells, 3)
    folder = (tmp_path / "data").rename(tmp_path / name)
    result = cli(capsys, "evaluate", folder, "--strict-split", "--json", tmp_path / "m.json")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("malariascope: error: --strict-split compares a folder named test "
                          f"with the train folder of class folders beside it: {folder} has "
                          "none\n")
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("how", ["linked", "one class", "empty class", "two letter cases"])
def test_evaluate_strict_split_beside_a_train_folder_it_cannot_read_says_why(
        tmp_path, capsys, real_cells, how):
    """A train folder beside the test folder that could not be read (its class folders one
    through a link, one missing or empty, two train folders) was told as none: "{test} has
    none", where there is one, and the reason it was not read was lost."""
    _labelled(tmp_path, real_cells, 3)
    root, train = tmp_path / "split", tmp_path / "split" / "train"
    shutil.copytree(tmp_path / "data", train)
    test = (tmp_path / "data").rename(root / "test")
    if how == "linked":
        shutil.rmtree(train / "uninfected")
        (train / "uninfected").symlink_to(train / "parasitized")
    elif how == "one class":
        shutil.rmtree(train / "uninfected")
    elif how == "empty class":
        for cell in (train / "uninfected").iterdir():
            cell.unlink()
    else:
        shutil.copytree(train, root / "Train")
    reason = {
        "linked": f"{train / 'uninfected'} and {train / 'parasitized'} hold the same cells (one "
                  "is a link to the other or inside it): give each class its own folder",
        "one class": f"no 'uninfected' folder (any letter case) in {train}",
        "empty class": f"no images in {train / 'uninfected'}",
        "two letter cases": f"Train and train in {root} are the same folder in another letter "
                            "case: merge them into one",
    }[how]
    result = cli(capsys, "evaluate", test, "--strict-split", "--json", tmp_path / "m.json")
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"malariascope: error: --strict-split compares {test} with the train "
                          f"folder beside it, which cannot be read: {reason}\n")
    assert not (tmp_path / "m.json").exists()
    assert cli(capsys, "evaluate", test).code == 0  # unasked, the check is passed over


def test_evaluate_strict_split_checks_a_test_folder_given_as_dot(tmp_path, capsys, real_cells,
                                                                 monkeypatch):
    """Run from inside the test folder of a train/test layout, `evaluate . --strict-split`
    was refused as having no train folder beside it: "." has no name."""
    _labelled(tmp_path, real_cells, 3)
    root = tmp_path / "split"
    root.mkdir()
    shutil.copytree(tmp_path / "data", root / "train")
    (tmp_path / "data").rename(root / "test")
    monkeypatch.chdir(root / "test")
    result = cli(capsys, "evaluate", ".", "--strict-split", "--json", tmp_path / "m.json")
    assert result.code == 2  # the same cells on both sides: their slides overlap
    assert "refused under --strict-split" in result.err


def test_empty_files_in_both_class_folders_are_unreadable_not_one_cell(tmp_path, capsys,
                                                                       real_cells):
    """Two 0-byte files, one in each class folder (an interrupted copy), were refused as one
    cell called both ways, where each is a file that cannot be read."""
    _labelled(tmp_path, real_cells, 3)
    for label in ("parasitized", "uninfected"):
        (tmp_path / "data" / label / f"{label}-broken.png").write_bytes(b"")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 1, result.err
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert (figures["n"], figures["unreadable"]) == (6, 2)
