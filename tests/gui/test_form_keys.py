"""The case form gives the keys back to the cell list once a fact is chosen from one of its
lists: the review key pressed next reviews a cell, and changes no fact of the slide."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui.batch import PARASITIZED
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


@pytest.fixture
def form(window, qtbot, tmp_path):
    """``window`` with four cells screened, its Case tab on show and active."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 4)[0].parent])
    window.central.show_case()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def choose(qtbot, box, text: str) -> None:
    """Click ``box`` open and choose the item ``text`` in its list (the offscreen platform
    takes no click on a list that pops up: the item is chosen there with Return)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    view = box.view()
    assert view.isVisible()
    view.setCurrentIndex(box.model().index(box.findText(text), 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not view.isVisible() and box.currentText() == text


@pytest.mark.parametrize(("box", "text", "fact", "value"),
                         [("stain", "Field's", "stain", "Field's"),
                          ("sex", "female", "sex", "female")])
def test_a_choice_from_a_list_of_the_form_gives_the_keys_back_to_the_cells(
        form, qtbot, box, text, fact, value):
    """Field's chosen from the stain list with the mouse kept the keys there: G, meant for
    the gallery, made the slide's stain Giemsa (autosaved, printed on the report), and P
    reviewed no cell; after a choice of sex, Space opened the list again."""
    batch = form.batch
    choose(qtbot, getattr(form.case_panel, box), text)
    for key in (Qt.Key.Key_G, Qt.Key.Key_G):  # the gallery and back to the table
        qtbot.keyClick(QApplication.focusWidget(), key)
    row = form.table.current_source_row()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert getattr(form.case.case.facts, fact) == value
    assert batch.review(row) and batch.final_call(row) == PARASITIZED


@pytest.mark.parametrize(("box", "typed", "fact", "value"),
                         [("target", "1000", "target_cells", 1000),
                          ("age", "34", "age_years", 34)])
def test_enter_in_a_number_box_of_the_form_gives_the_keys_back_to_the_cells(
        form, qtbot, box, typed, fact, value):
    """Enter after a target count typed kept the keys in the box: the next P, Space and U
    reviewed no cell, and Down took the target from 1,000 to 500."""
    batch, spin = form.batch, getattr(form.case_panel, box)
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton)
    spin.selectAll()
    qtbot.keyClicks(spin, typed)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    row = form.table.current_source_row()
    for key in (Qt.Key.Key_P, Qt.Key.Key_Down):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert getattr(form.case.case.facts, fact) == value
    assert batch.review(row) and batch.final_call(row) == PARASITIZED
