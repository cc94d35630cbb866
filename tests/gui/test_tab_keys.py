"""Tab and Shift+Tab leave the cell list for the threshold and the case form, the cell
selected as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


@pytest.fixture
def listed(window, qtbot, tmp_path):
    """``window`` with eight cells screened, active, the keys on its table."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 8)[0].parent])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.lists.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)
    return window


def press_tab(qtbot, shift: bool) -> None:
    """Press Tab, or Shift+Tab when ``shift``, where the keys are."""
    key, held = ((Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier) if shift
                 else (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier))
    qtbot.keyClick(QApplication.focusWidget(), key, held)


@pytest.mark.parametrize("shift", [False, True])
def test_tab_in_the_table_leaves_it_with_the_cell_selected_as_it_was(listed, qtbot, shift):
    """Tab in the table stepped through the columns of the selected row, unseen, and went
    on to the next row: eight Tabs moved the selection from the first cell to the second,
    and the keys never left the table for the case form."""
    row = listed.table.current_source_row()
    press_tab(qtbot, shift)
    assert QApplication.focusWidget() is not listed.table
    assert listed.table.current_source_row() == row
