"""A signed case's review controls: the buttons of the cell panels look and are off until the
case is amended, while the review keys still say why nothing changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton

from tests.gui.helpers import amend_case, screen_and_wait


def _review_buttons(window) -> list[QToolButton]:
    panels = (window.detail, window.cell_window.detail)
    buttons = [b for panel in panels for b in panel.findChildren(QToolButton)
               if b.defaultAction() in window.actions.review]
    assert len(buttons) == 2 * len(window.actions.review)
    return buttons


def test_review_buttons_of_a_case_signed_here_are_off_until_amended(window, qtbot,
                                                                    cell_folder):
    """On a case signed in the window the review buttons stayed enabled: a click was refused
    only in the status bar."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.batch.set_sample_id("S-7")
    first, second = [row for row in range(len(window.batch)) if window.batch.results[row].ok][:2]
    window.table.select_source_row(first)
    assert all(button.isEnabled() for button in _review_buttons(window))
    assert window.case_flow.sign("Ann Lee")
    assert not any(button.isEnabled() for button in _review_buttons(window))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_P)
    assert "is signed: amend it" in window.status.currentMessage()
    assert not window.batch.reviewed(first)
    window.table.select_source_row(second)  # another cell selected: still off
    assert not any(button.isEnabled() for button in _review_buttons(window))
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        assert amend_case(window, qtbot, "a second reader", "Ben Okafor")
    assert all(button.isEnabled() for button in _review_buttons(window))
