"""Wildcards in path arguments: Windows shells pass `*.png` as typed, so the CLI expands it
there; POSIX shells expand it before the program starts."""

from __future__ import annotations

import shutil
import sys

import pytest

from malariascope.cli import build_parser
from malariascope.cli._wildcards import expand_wildcards
from tests.command_line import cli
from tests.reports import read_rows


@pytest.fixture
def slides(tmp_path, real_cells):
    """A folder of three real cells, b.png, a.png and c.jpg, and a note."""
    folder = tmp_path / "slides"
    folder.mkdir()
    for name, cell in zip(("b.png", "a.png", "c.jpg"), real_cells["parasitized"], strict=False):
        shutil.copy(cell, folder / name)
    (folder / "notes.txt").write_text("slide notes")
    return folder


def test_a_pattern_on_windows_is_expanded_sorted_as_a_posix_shell_would(slides):
    """`classify C:\\slides\\*.png` in cmd.exe passed the pattern as typed, then told it
    not found: on Windows the CLI expands it itself."""
    expanded = expand_wildcards([slides / "*.png", slides / "[bc].*", slides / "?.jpg"],
                                "win32")
    assert expanded == [slides / "a.png", slides / "b.png", slides / "b.png",
                        slides / "c.jpg", slides / "c.jpg"]


def test_a_pattern_that_matches_nothing_is_kept_to_be_told_not_found(slides):
    assert expand_wildcards([slides / "*.tif"], "win32") == [slides / "*.tif"]


def test_a_path_that_exists_as_given_is_kept_though_it_holds_a_wildcard(slides):
    """A file may be named `[1].png` on Windows, and `*.png` where a POSIX shell made it."""
    shutil.copy(slides / "a.png", slides / "[ab].png")
    given = [slides / "[ab].png", slides / "notes.txt"]
    assert expand_wildcards(given, "win32") == given


def test_elsewhere_the_shell_has_expanded_and_paths_are_kept(slides):
    assert expand_wildcards([slides / "*.png"], "linux") == [slides / "*.png"]
    assert expand_wildcards([slides / "*.png"], "darwin") == [slides / "*.png"]


@pytest.mark.parametrize("command", [["classify", "--csv", "r.csv"], ["adapt", "--out", "m"],
                                     ["gui"]])
def test_every_command_taking_images_expands_them_on_windows(slides, monkeypatch, command):
    """classify, adapt and gui take images and folders, and so patterns on Windows; a path
    that is not a pattern is kept beside them."""
    monkeypatch.setattr(sys, "platform", "win32")  # only while the arguments are parsed
    args = build_parser().parse_args([*command, str(slides / "*.png"), str(slides)])
    monkeypatch.undo()
    given = args.sources if command[0] == "adapt" else args.paths
    assert given == [slides / "a.png", slides / "b.png", slides]


def test_a_file_named_with_a_wildcard_is_screened_where_the_shell_expands(
        tmp_path, capsys, real_cells, monkeypatch):
    """On Linux and macOS a quoted `'*.png'` names that file: it is screened, not expanded."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(real_cells["parasitized"][0], tmp_path / "*.png")
    shutil.copy(real_cells["uninfected"][0], tmp_path / "other.png")
    result = cli(capsys, "classify", "*.png", "--csv", "r.csv")
    assert result.code == 0, result.err
    assert [row["image_path"] for row in read_rows(tmp_path / "r.csv")] == ["*.png"]


def test_a_pattern_in_a_folder_named_with_brackets_expands_its_files(slides):
    """`C:\\runs [old]\\*.png` matched nothing, its folder's brackets read as a set of
    characters: the longest leading folder that exists is taken as typed."""
    folder = slides.rename(slides.parent / "runs [old]")
    assert expand_wildcards([folder / "*.png", folder / "[bc].*"], "win32") == [
        folder / "a.png", folder / "b.png", folder / "b.png", folder / "c.jpg"]
    assert expand_wildcards([folder / "missing" / "*.png"], "win32") == [
        folder / "missing" / "*.png"]
