"""Reading a training layout: what a user's own copy of the data can get wrong."""

from __future__ import annotations

import pytest

from malariascope.core.dataset import labelled_images
from malariascope.core.errors import DatasetError
from malariascope.training.data import load_arrays
from tests.images import make_cell, write_rgb


def write_cells(folder, count, parasitized, slide="C1"):
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
