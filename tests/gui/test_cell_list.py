"""The cell list of the real window at its default size, with more rows than it shows: Home and
End go to its ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_table import FILE
from tests.gui.helpers import screen_and_wait
from tests.images import FIELD_CELLS, make_cell, write_field, write_rgb

CELLS, FIELDS = 20, 4  # single cells first in file order, then the fields' cells
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def slide(tmp_path: Path) -> Path:
    """Single cells, all parasitized but the last, then whole fields."""
    folder = tmp_path / "slide"
    (folder / "cells").mkdir(parents=True)
    for i in range(CELLS - 1):
        write_rgb(folder / "cells" / f"cell_{i}.png", make_cell(parasitized=True, seed=i))
    write_rgb(folder / "cells" / "cell_99.png", make_cell(seed=99))
    for seed in range(FIELDS):
        write_field(folder / f"field_{seed}.png", seed=seed)
    return folder


def screened(window, qtbot, slide: Path):
    """The window with ``slide`` screened and its list holding the keys."""
    screen_and_wait(window, qtbot, [slide])
    assert len(window.batch) == CELLS + FIELDS * FIELD_CELLS
    window.activateWindow()
    window.lists.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)
    return window.table


def test_home_and_end_go_to_the_lists_first_and_last_rows(window, qtbot, slide):
    table = screened(window, qtbot, slide)
    table.select_source_row(CELLS // 2)
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == window.proxy.rowCount() - 1
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)
    assert table.currentIndex().row() == window.proxy.rowCount() - 1
    assert table.currentIndex().column() == FILE  # the same column: no sideways scroll
