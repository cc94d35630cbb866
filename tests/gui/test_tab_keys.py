"""Tab and Shift+Tab go round the window's stops with the cell list among them: they leave the
list for the threshold and the case form, the cell selected as it was, and come back to it;
Space on a button they reach presses it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QToolButton

from malariascope.gui.batch import UNINFECTED
from tests.gui.helpers import screen_and_wait, wait_for_box
from tests.images import make_cell_folder

TAB_STOPS = 40  # more than the window has: a list that Tab never reaches is found out


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


def tab_to(qtbot, widget, shift: bool = False) -> bool:
    """Press Tab (Shift+Tab when ``shift``) until ``widget`` has the keys; False when
    ``TAB_STOPS`` presses never get there."""
    for _ in range(TAB_STOPS):
        press_tab(qtbot, shift)
        if QApplication.focusWidget() is widget:
            return True
    return False


@pytest.mark.parametrize("shift", [False, True])
def test_tab_in_the_table_leaves_it_with_the_cell_selected_as_it_was(listed, qtbot, shift):
    """Tab in the table stepped through the columns of the selected row, unseen, and went
    on to the next row: eight Tabs moved the selection from the first cell to the second,
    and the keys never left the table for the case form."""
    row = listed.table.current_source_row()
    press_tab(qtbot, shift)
    assert QApplication.focusWidget() is not listed.table
    assert listed.table.current_source_row() == row


@pytest.mark.parametrize("shift", [False, True])
def test_tab_from_the_case_form_comes_back_to_the_list(listed, qtbot, shift):
    """Tab from the slide id box went round the case form, the threshold and the tab bar
    and never back to the list: the list had taken the field view's click-only focus, so
    a technician on the keyboard had no Tab back to the cells."""
    listed.central.show_case()
    panel = listed.case_panel
    panel.sample_id.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.sample_id)
    qtbot.keyClicks(panel.sample_id, "S-1")
    row = listed.table.current_source_row()
    assert tab_to(qtbot, listed.table, shift), "Tab never came back to the list"
    qtbot.keyClick(listed.table, Qt.Key.Key_U)
    assert listed.batch.final_call(row) == UNINFECTED
    assert listed.batch.facts.sample_id == "S-1"


def _button(window, name: str) -> QAbstractButton:
    """The button ``name`` of ``window``: Model default, the Grad-CAM overlay box, or the
    case form's Sign the result."""
    if name == "Model default":
        return window.controls.reset
    if name == "Grad-CAM overlay":
        return next(box for box in window.detail.findChildren(QCheckBox)
                    if box.text() == name)
    return next(button for button in window.case_panel.findChildren(QToolButton)
                if button.defaultAction() is window.actions.sign)


@pytest.mark.parametrize("name", ["Model default", "Grad-CAM overlay", "Sign the result"])
def test_space_on_a_button_tab_reached_presses_it_and_reviews_no_cell(listed, qtbot, name):
    """Space on a button Tab had reached confirmed the selected cell instead of pressing it:
    Model default left the threshold where it was, the Grad-CAM box left the overlay, and
    Sign the result did not sign."""
    listed.controls.threshold.spin.setValue(0.3)  # Model default is on
    if name == "Sign the result":
        listed.central.show_case()
        listed.lists.setFocus()
    button = _button(listed, name)
    checked, batch = button.isChecked(), listed.batch
    assert tab_to(qtbot, button)
    with qtbot.waitSignal(button.clicked, timeout=5_000):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert batch.counts.reviewed == 0
    if name == "Model default":
        assert batch.facts.rule.threshold == pytest.approx(batch.facts.default_threshold)
    elif name == "Grad-CAM overlay":
        assert button.isChecked() != checked
    else:
        wait_for_box(qtbot, listed, "Cannot sign yet")  # no slide id yet


@pytest.mark.parametrize("shift", [False, True])
def test_tab_round_the_case_form_stops_only_where_something_shows_the_keys(listed, qtbot,
                                                                            shift):
    """The case form's scroll area was a Tab stop of its own: one Tab, between the panel's
    tab bar and the slide id box, left the keys on nothing a technician could see."""
    listed.central.show_case()
    listed.lists.setFocus()
    scroll = listed.case_panel._scroll
    reached = []
    for _ in range(TAB_STOPS):
        press_tab(qtbot, shift)
        reached.append(QApplication.focusWidget())
    assert listed.case_panel.sample_id in reached and listed.table in reached
    assert scroll not in reached and scroll.viewport() not in reached
    if not shift:  # the slide id, the form's first box, comes just after the panel's tabs
        before = reached[reached.index(listed.case_panel.sample_id) - 1]
        assert before.metaObject().className() == "QTabBar"
