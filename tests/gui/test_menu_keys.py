"""The letters of the menus: with a menu open, an item's underlined letter picks that item at
once, as no other item of the menu has the same."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from malariascope.gui.batch import UNINFECTED
from tests.gui.helpers import screen_and_wait, wait_for_box
from tests.images import make_cell_folder


@pytest.fixture
def listed(window, qtbot, tmp_path):
    """``window`` with four cells screened and active."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 4)[0].parent])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def open_menu(window, qtbot, title: str) -> QMenu:
    """The menu ``title`` of ``window``'s menu bar, open as Alt and its letter open it."""
    menu = next(action.menu() for action in window.menuBar().actions()
                if action.text() == title)
    menu.popup(window.mapToGlobal(QPoint(0, 0)))
    qtbot.waitUntil(menu.isVisible)
    return menu


def test_u_in_the_review_menu_marks_the_cell_uninfected_after_a_review(listed, qtbot):
    """Once a cell was reviewed, U in the Review menu only highlighted Uninfected, the menu
    staying open: Undo review, enabled then, had the same letter."""
    listed.lists.setFocus()
    qtbot.keyClick(listed.table, Qt.Key.Key_P)  # and on to the next cell
    assert listed.actions.undo.isEnabled()
    row = listed.table.current_source_row()
    menu = open_menu(listed, qtbot, "&Review")
    qtbot.keyClick(menu, Qt.Key.Key_U)
    assert not menu.isVisible()
    assert listed.batch.final_call(row) == UNINFECTED


def test_s_in_the_file_menu_signs(listed, qtbot):
    """S in the File menu only highlighted Screen images as, which had the letter of Sign the
    result too; a case with no slide id is refused, saying why."""
    menu = open_menu(listed, qtbot, "&File")
    qtbot.keyClick(menu, Qt.Key.Key_S)
    assert not menu.isVisible()
    wait_for_box(qtbot, listed, "Cannot sign yet")


def test_no_two_items_of_a_menu_share_a_letter(window):
    """Besides those two: Open recent and Case register shared R, Export PDF report and
    Print report P."""
    menus = [action.menu() for action in window.menuBar().actions()]
    for menu in menus:
        items = [action for action in menu.actions() if not action.isSeparator()]
        menus += [action.menu() for action in items if action.menu()]
        letters = [QKeySequence.mnemonic(action.text()).toString() for action in items]
        shared = {letter for letter in letters if letter and letters.count(letter) > 1}
        assert not shared, f"{menu.title()}: {shared} each pick more than one item"
