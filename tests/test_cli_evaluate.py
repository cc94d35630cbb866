"""``evaluate`` on real labelled cells: what it counts and how it writes what is undefined."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.command_line import cli
from tests.conftest import SHARED_DATA

FIELD = SHARED_DATA / "fields" / "PA171693.JPG"


def _labelled(tmp_path, real_cells, per_class: int) -> None:
    for label, cells in real_cells.items():
        (tmp_path / "data" / label).mkdir(parents=True)
        for cell in cells[:per_class]:
            shutil.copy(cell, tmp_path / "data" / label)


def test_evaluate_screens_a_whole_field_in_a_class_folder_as_one_cell(
        tmp_path, capsys, real_cells):
    """Screened as a field, one image gave many rows and the labels fell out of step: an
    IndexError traceback."""
    if not FIELD.is_file():
        pytest.skip(f"real fields not found at {FIELD.parent}")
    _labelled(tmp_path, real_cells, 3)
    shutil.copy(FIELD, tmp_path / "data" / "parasitized")
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 0, result.err
    figures = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    (tn, fp), (fn, tp) = figures["confusion"]
    assert (figures["n"], figures["unreadable"]) == (7, 0)
    assert (tn + fp, fn + tp) == (3, 4)
