"""Reviewing from the cell panels in the real window: the Unsure button beside the other
review buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from malariascope.gui.batch import UNSURE
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


def _button(panel, action) -> QToolButton:
    return next(button for button in panel.findChildren(QToolButton)
                if button.defaultAction() is action)


def test_the_cell_panels_have_an_unsure_button_beside_the_others(window, qtbot, tmp_path):
    """The panel had Parasitized, Uninfected and Confirm buttons, and no way to mark a cell
    unsure but the ? key and the menu."""
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    actions, batch = window.actions, window.batch
    row = next(row for row in range(len(batch)) if batch.results[row].ok)
    window.table.select_source_row(row)
    buttons = [_button(window.detail, action) for action in actions.review]
    assert [button.text().replace("&", "") for button in buttons] == [
        "Parasitized", "Uninfected", "Confirm", "Unsure"]
    tops = {button.geometry().top() for button in buttons}
    assert len(tops) == 1  # in line with the others
    qtbot.mouseClick(buttons[-1], Qt.MouseButton.LeftButton)
    assert batch.review(row) == UNSURE and not batch.reviewed(row)
