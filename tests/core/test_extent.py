"""What a batch was opened from (``core.extent``): which inputs a cut-short screening left,
read back from saved work, and cleared when they are opened again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from malariascope.core.extent import UNKNOWN_INPUTS, Extent, copies_found_again, counted_at
from malariascope.core.jsonfields import build, integer, pair, several, text
from malariascope.core.leftout import LeftOut
from malariascope.core.unscreened import UnscreenedNames, real_paths


def test_cut_short_inputs_are_saved_read_back_and_cleared_when_opened_again(tmp_path):
    slide, other = tmp_path / "slide", tmp_path / "other"
    extent = Extent((str(slide), str(other)), files=20).cut_short_at([slide])
    assert Extent.from_dict(json.loads(json.dumps(extent.to_dict()))) == extent
    assert extent.opened_again([other], True).cut_short == (str(slide),)
    assert extent.opened_again([slide / "cell_1.png"], True).cut_short == (str(slide),)
    assert extent.opened_again([slide], True).cut_short == ()
    assert extent.opened_again([tmp_path], True).cut_short == ()  # the folder holding it
    assert extent.opened_again([tmp_path], False).cut_short == (str(slide),)  # not searched
    assert extent.opened_again([slide], False).cut_short == (str(slide),)  # its subfolders
    assert extent.screened_whole([other, slide]).cut_short == ()


def test_work_saved_cut_short_without_its_inputs_counts_them_all_as_cut_short():
    """Work an older version saved cut short says only that: every input counts."""
    saved = {"inputs": ["slide", "other"], "recursive": True, "mode": "auto", "files": 9}
    extent = Extent.from_dict(saved)
    assert "cut_short" not in extent.to_dict()  # such work stays readable by older versions
    assert extent.as_saved(complete=False).cut_short == ("slide", "other")
    assert extent.as_saved(complete=True).cut_short == ()


def test_work_cut_short_without_inputs_stays_cut_short_whatever_is_opened(tmp_path):
    """A case of the register keeps no inputs: the first addition made it complete."""
    extent = Extent(files=12).as_saved(complete=False)
    assert extent.cut_short == (UNKNOWN_INPUTS,)
    assert extent.opened_again([tmp_path], True).cut_short == (UNKNOWN_INPUTS,)
    assert extent.opened_again([Path.cwd()], True).cut_short == (UNKNOWN_INPUTS,)


def test_an_input_saved_by_a_relative_name_names_no_rest_but_is_met_by_its_folder_opened(
        tmp_path, monkeypatch):
    """Saved as "slide" by a window started elsewhere: no rest is offered from the current
    folder, but the technician opening a folder called "slide" by its full path, as the
    case's line asks, ends its cut; before, it stayed cut short for good."""
    monkeypatch.chdir(tmp_path / "..")
    extent = Extent(("day 2/slide",), files=12).as_saved(complete=False)
    assert extent.cut_short == ("day 2/slide",) and extent.rest == ()
    assert extent.opened_again([tmp_path / "day 2" / "slide"], True).cut_short == ()
    assert extent.opened_again([tmp_path / "slide"], True).cut_short == ("day 2/slide",)
    assert extent.opened_again([tmp_path / "day 2" / "slide"], False).cut_short != ()


def test_a_cut_short_folder_is_met_by_a_links_spelling_of_it_when_resolved(tmp_path):
    slide = tmp_path / "slide"
    slide.mkdir()
    link = tmp_path / "link"
    link.symlink_to(slide, target_is_directory=True)
    extent = Extent((str(slide),), files=12).cut_short_at([slide])
    assert extent.opened_again([link], True).cut_short == (str(slide),)  # no disk read
    assert extent.opened_again([link], True, resolve=True).cut_short == ()
    assert not Extent(extent.rest).overlaps([link / "a.png"])
    assert Extent(extent.rest).overlaps([link / "a.png"], resolve=True)


def test_the_copies_left_out_are_saved_read_back_and_absent_from_older_saves():
    copies = LeftOut(7, ("b/x.png (copy of a/x.png)",))
    extent = Extent(("smear",), files=9, copies=copies)
    assert Extent.from_dict(json.loads(json.dumps(extent.to_dict()))) == extent
    older = {"inputs": ["smear"], "recursive": True, "mode": "auto", "files": 9}
    assert Extent.from_dict(older).copies is None  # not recorded: never told as none
    assert Extent.from_dict(Extent().to_dict()).copies == LeftOut()  # none, recorded
    assert copies.words() == ("7 files were left out as identical copies of files screened: "
                              "b/x.png (copy of a/x.png) and 6 more.")


def test_a_place_searched_again_drops_its_copies_and_keeps_the_others(tmp_path):
    """Its search finds its copies again: counted before too, they were counted twice."""
    slide, sub, alone = tmp_path / "slide", tmp_path / "slide" / "sub", tmp_path / "x.png"
    sub.mkdir(parents=True)
    alone.write_bytes(b"png")
    named = [(slide / "y.png", slide / "a.png"), (sub / "z.png", slide / "b.png")]
    copies = LeftOut(4, LeftOut().add(0, named).named,  # as an earlier MalariaScope kept them
                     ((str(slide), 2), (str(sub), 1), (str(alone), 1)))
    extent = Extent.from_dict(json.loads(json.dumps(Extent(copies=copies).to_dict())))
    assert extent.copies == copies  # where they were found, read back

    def again(paths: list[Path], recursive: bool) -> LeftOut:
        return copies.found_again(copies_found_again(copies, paths, recursive))

    assert again([tmp_path], False) == LeftOut(
        3, copies.named, ((str(slide), 2), (str(sub), 1)))  # a file in a folder searched
    assert again([slide], False) == copies  # perhaps the input that held sub's copies too
    assert again([sub], True) == LeftOut(
        3, copies.named[:1], ((str(slide), 2), (str(alone), 1)))  # a subfolder alone
    assert again([tmp_path], True) == LeftOut()


def test_copies_found_in_a_place_recorded_by_an_earlier_malariascope_count_there(tmp_path):
    """A place kept by an earlier MalariaScope may be the input that held the copies, its
    subfolders' too: a search of it without subfolders, which dropped them all, and a
    search of a subfolder, find only some of them again, and the place keeps counting
    them; a place of its own found again whole does not."""
    slide, sub, other = tmp_path / "slide", tmp_path / "slide" / "sub", tmp_path / "other"
    sub.mkdir(parents=True)
    by_input = LeftOut(3, found_in=((str(slide), 3),))
    by_folder = LeftOut(3, found_in=((str(slide), 2), (str(sub), 1)))

    def counted(copies: LeftOut, paths: list[Path], recursive: bool) -> list[bool]:
        found = counted_at(copies, copies_found_again(copies, paths, recursive))
        return [found(str(folder)) for folder in (slide, sub, other)]

    assert counted(by_input, [slide], False) == [True, True, False]
    assert counted(by_input, [sub], True) == [True, True, False]
    assert counted(by_input, [slide], True) == [False, False, False]
    assert counted(by_folder, [sub], True) == [True, False, False]
    assert counted(by_folder, [slide], True) == [False, False, False]


def test_copies_are_found_again_by_name_in_their_folder(tmp_path):
    """A copy opened alone out of a folder searched before was counted in the folder's
    count and at the file: a count by folder cannot tell which copies it holds."""
    slide, sub = tmp_path / "slide", tmp_path / "slide" / "sub"
    sub.mkdir(parents=True)
    link = tmp_path / "link.png"
    link.symlink_to(slide / "x.png")
    copies = LeftOut().add(4, [(slide / "y.png", slide / "a.png")], {
        str(slide): ("x.png", "y.png"), str(sub): ("z.png",), str(tmp_path): ("w.png",)})
    extent = Extent.from_dict(json.loads(json.dumps(Extent(copies=copies).to_dict())))
    assert extent.copies == copies  # by name, read back

    def again(paths: list[Path], recursive: bool) -> LeftOut:
        return copies.found_again(copies_found_again(copies, paths, recursive))

    rest = ((str(slide), ("y.png",)), (str(sub), ("z.png",)), (str(tmp_path), ("w.png",)))
    assert again([slide / "x.png"], False) == again([link], True) == LeftOut(
        3, copies.named, in_folders=rest)  # a copy opened alone, by any spelling
    assert again([slide], False) == LeftOut(2, in_folders=rest[1:])  # not its subfolders
    assert again([sub / "other.png", slide / "q.png"], True) == copies
    assert again([tmp_path], True) == LeftOut()
    with pytest.raises(ValueError, match="unknown copies fields in_folders"):
        build(LeftOut, copies.to_dict(), {"count": integer, "named": several(text),
                                          "found_in": several(pair(text, integer))},
              "copies")  # as an older MalariaScope reads it: it would count them twice


def test_files_not_screened_are_recorded_by_name_relative_to_their_input(tmp_path):
    folder, elsewhere = tmp_path / "slide", tmp_path / "other"
    extent = Extent((str(folder),), files=3).cut_short_at([folder])
    recorded = UnscreenedNames.of(extent.rest, [folder / "b.png"], [
        folder / "a.png", folder / "sub" / "c.png", elsewhere / "d.png"]).at(extent, 1)
    assert recorded.unscreened == ((str(folder), ("b.png", "sub/c.png")),)
    assert recorded.unscreened_paths() == [folder / "b.png", folder / "sub" / "c.png"]
    assert recorded.unscreened_paths(besides={str(folder)}) == []
    again = Extent.from_dict(json.loads(json.dumps(recorded.to_dict())))
    assert again == recorded and recorded.as_saved(True).unscreened == ()
    assert "unscreened" not in extent.to_dict()  # an older MalariaScope reads it as ever


def test_real_paths_by_folder_are_those_of_each_file(tmp_path, monkeypatch):
    """Each folder's links are followed once for all its files: a file that is a link, one
    gone, one under a linked folder, a link loop and a name relative to the current folder
    each get the real path the operating system gives it."""
    slide, elsewhere = tmp_path / "slide", tmp_path / "elsewhere"
    (slide / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "a.png").write_bytes(b"png")
    (slide / "a.png").symlink_to(elsewhere / "a.png")
    (slide / "dangling.png").symlink_to(elsewhere / "none.png")
    (slide / "loop.png").symlink_to(slide / "loop.png")
    (tmp_path / "linked").symlink_to(slide, target_is_directory=True)
    monkeypatch.chdir(slide)
    paths = [slide / "a.png", slide / "gone.png", tmp_path / "linked" / "sub" / "b.png",
             tmp_path / "linked" / "a.png", slide / "dangling.png", slide / "loop.png",
             Path("sub") / "c.png", Path("a.png"), tmp_path / "linked" / ".." / "x.png",
             tmp_path / "linked" / "sub" / ".."]
    assert real_paths(paths) == [os.path.realpath(path) for path in paths]
