"""Folders as a lab's disks hold them: symlink loops, deep nesting, links to one file, and
entries named like images that are no image file. Each image-named entry gets its row."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.discovery import Discovery
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.report import ReportWriter
from tests.images import make_cell, write_rgb

needs_symlinks = pytest.mark.skipif(sys.platform == "win32",
                                    reason="symlinks need a privilege on Windows")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


def errors_by_name(paths, classifier) -> dict[str, str]:
    """Each file's error ('' when screened), by name."""
    return {result.path.name: result.error for result in screen(paths, classifier)}


@needs_symlinks
def test_symlink_loops_inside_a_folder_are_error_rows_not_a_traceback(tmp_path, classifier):
    write_rgb(tmp_path / "cell.png", make_cell())
    (tmp_path / "self.png").symlink_to("self.png")
    (tmp_path / "a.png").symlink_to("b.png")
    (tmp_path / "b.png").symlink_to("a.png")
    (tmp_path / "loop").symlink_to("loop")
    found = Discovery([tmp_path])
    errors = errors_by_name(found, classifier)
    assert list(errors) == ["a.png", "b.png", "cell.png", "self.png"]
    assert errors["cell.png"] == ""
    for name in ("a.png", "b.png", "self.png"):
        assert "symbolic links" in errors[name]
    assert found.skipped == [tmp_path / "loop"]


def test_folders_nested_deeper_than_the_recursion_limit_are_walked(tmp_path):
    depth = sys.getrecursionlimit() + 100
    folders = [tmp_path]
    for _ in range(depth):
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    try:
        deepest = write_rgb(folders[-1] / "cell.png", make_cell())
        assert list(Discovery([tmp_path])) == [deepest]
    finally:  # shutil.rmtree recurses as deep as the folders go
        deepest.unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()


@needs_symlinks
def test_one_file_reached_through_links_gives_one_row(tmp_path, classifier):
    """A folder given with a symlink to it, a file symlink and a hard link gave four rows of
    one file: its cells were counted four times."""
    real = tmp_path / "real"
    real.mkdir()
    write_rgb(real / "cell.png", make_cell(parasitized=True))
    (real / "symlink.png").symlink_to("cell.png")
    os.link(real / "cell.png", real / "hardlink.png")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    results = list(screen(Discovery([real, tmp_path / "linked"]), classifier))
    assert [r.path for r in results] == [real / "cell.png"]


@needs_symlinks
def test_image_named_entries_that_are_no_image_file_get_error_rows(tmp_path, classifier):
    """A dangling symlink, a FIFO and a symlinked folder named like images were skipped with
    no row and no reason; named on the command line they got an error row each."""
    folder = tmp_path / "slides"
    folder.mkdir()
    write_rgb(folder / "cell.png", make_cell())
    (folder / "dangling.png").symlink_to("gone.png")
    (folder / "folder.png").symlink_to(tmp_path, target_is_directory=True)
    (folder / "folder link").symlink_to(tmp_path, target_is_directory=True)
    words = {"dangling.png": "symlink to a missing file", "folder.png": "a folder"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.png")
        words["pipe.png"] = "a pipe"
    found = Discovery([folder])
    in_folder = errors_by_name(found, classifier)
    named = errors_by_name([folder / name for name in words], classifier)
    assert in_folder.pop("cell.png") == ""
    assert in_folder == named
    for name, word in words.items():
        assert word in in_folder[name]
    assert found.skipped == []  # a symlinked folder is not followed, and no file to skip


def test_a_folder_reached_twice_is_walked_once(tmp_path):
    (tmp_path / "cells").mkdir()
    (tmp_path / "cells" / "notes.txt").write_text("x", encoding="utf-8")
    write_rgb(tmp_path / "cells" / "cell.png", make_cell())
    found = Discovery([tmp_path / "cells", tmp_path, Path(tmp_path / "cells" / ".." / "cells")])
    assert list(found) == [tmp_path / "cells" / "cell.png"]
    assert found.skipped == [tmp_path / "cells" / "notes.txt"]


def test_hidden_entries_of_a_folder_are_neither_screened_nor_counted(tmp_path, real_cells,
                                                                     classifier):
    """A USB stick's trash held deleted cells that were screened into the slide, and macOS's
    ``._`` companions of each image were error rows; the report's own lock and temporary
    files, beside it in the input folder, were counted as non-image files skipped."""
    slide = tmp_path / "usb"
    (slide / ".Trash-1000" / "files").mkdir(parents=True)
    (slide / ".Trashes" / "501").mkdir(parents=True)
    kept = shutil.copy(real_cells["uninfected"][0], slide / "cell.png")
    shutil.copy(real_cells["parasitized"][0], slide / ".Trash-1000" / "files" / "gone.png")
    shutil.copy(real_cells["parasitized"][1], slide / ".Trashes" / "501" / "old.png")
    (slide / "._cell.png").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X" + bytes(64))
    (slide / ".DS_Store").write_bytes(bytes(64))
    with ReportWriter(slide / "report.csv", BatchFacts.of(classifier)):
        found = Discovery([slide])
        assert list(found) == [Path(kept)]
    assert found.skipped == []


def test_a_hidden_file_or_folder_named_is_screened(tmp_path, real_cells):
    hidden = tmp_path / ".kept"
    hidden.mkdir()
    inside = shutil.copy(real_cells["parasitized"][0], hidden / "cell.png")
    named = shutil.copy(real_cells["uninfected"][0], tmp_path / ".named.png")
    assert list(Discovery([hidden, named])) == [Path(inside), Path(named)]
