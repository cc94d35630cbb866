"""Reading a training layout: what a user's own copy of the data can get wrong."""

from __future__ import annotations

import pytest

from malariascope.core.dataset import labelled_images
from malariascope.core.errors import DatasetError
from malariascope.training.data import load_arrays, split_by_slide
from tests.images import make_cell, write_rgb


def write_cells(folder, count, parasitized, slide: str = "C1") -> None:
    """``count`` generated cells of one class in ``folder``, all from ``slide``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        write_rgb(folder / f"{slide}P1ThinF_cell_{i}.png",
                  make_cell(size=40, parasitized=parasitized, seed=i))


def test_an_unreadable_cell_is_named(tmp_path):
    write_cells(tmp_path / "parasitized", 3, True)
    write_cells(tmp_path / "uninfected", 3, False)
    empty = tmp_path / "uninfected" / "C1P1ThinF_cell_empty.png"
    empty.write_bytes(b"")
    with pytest.raises(DatasetError, match=r"cell_empty\.png: empty file \(0 bytes\)"):
        load_arrays(labelled_images(tmp_path), 32)


def test_a_split_without_both_classes_on_each_side_is_refused(tmp_path):
    """One slide only (nothing left to fit on), or slides each holding one class (the
    validation slide then has no parasitized cell to calibrate on)."""
    write_cells(tmp_path / "one" / "parasitized", 6, True)
    write_cells(tmp_path / "one" / "uninfected", 6, False)
    with pytest.raises(DatasetError, match="training part's slides hold no uninfected"):
        split_by_slide(labelled_images(tmp_path / "one"), 0.12, seed=1)
    for slide in ("C1", "C2", "C3", "C4"):
        write_cells(tmp_path / "pure" / "parasitized", 5, True, slide)
    for slide in ("C5", "C6", "C7", "C8"):
        write_cells(tmp_path / "pure" / "uninfected", 5, False, slide)
    with pytest.raises(DatasetError, match="validation part's slides hold no"):
        split_by_slide(labelled_images(tmp_path / "pure"), 0.12, seed=1)


def test_class_folders_differing_only_in_letter_case_are_refused(tmp_path):
    """Only the first was read: half a class was left out without a word."""
    write_cells(tmp_path / "Parasitized", 2, True)
    write_cells(tmp_path / "parasitized", 2, True, "C2")
    write_cells(tmp_path / "uninfected", 2, False)
    with pytest.raises(DatasetError, match="Parasitized and parasitized in .* merge them"):
        labelled_images(tmp_path)
