"""Copies of image files left out by content (``core.copies``), over the real pipeline."""

from __future__ import annotations

import shutil

from malariascope.core.copies import Copies
from malariascope.core.pipeline import screen, whole_files


def test_copies_of_a_file_seen_before_are_left_out_and_broken_files_kept(
        tmp_path, classifier, real_cells):
    first, second = real_cells["parasitized"][0], real_cells["uninfected"][0]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = [shutil.copy(first, tmp_path / "a" / "one.png"),
             shutil.copy(second, tmp_path / "a" / "two.png"),
             shutil.copy(first, tmp_path / "b" / "one.png"),
             shutil.copy(first, tmp_path / "b" / "three.png")]
    for name in ("broken.png", "broken_too.png"):
        (tmp_path / "b" / name).write_bytes(b"not a picture")
        paths.append(tmp_path / "b" / name)
    copies = Copies()
    kept = [results for results in whole_files(screen(paths, classifier))
            if not copies.is_copy(results)]
    assert [results[0].path.name for results in kept] == [
        "one.png", "two.png", "broken.png", "broken_too.png"]
    assert copies.left_out == 2
    assert copies.words() == ("2 files identical to other files of the case left out: "
                              "b/one.png is a copy of a/one.png")


def test_copies_of_the_files_held_are_left_out(tmp_path, classifier, real_cells):
    cell = real_cells["parasitized"][0]
    held = list(screen([cell], classifier))
    copies = Copies(held)
    copy = shutil.copy(cell, tmp_path / "copy.png")
    assert copies.is_copy(list(screen([copy], classifier)))
    assert not Copies().words() and copies.example == (copy, cell)
