"""Reviewing from the cell panels in the real window: the full-size cell window's keys and
buttons, and the Unsure button beside the other review buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton

from malariascope.gui.batch import UNSURE
from malariascope.gui.results_table import THUMB
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder

CTRL = Qt.KeyboardModifier.ControlModifier


def _button(panel, action) -> QToolButton:
    return next(button for button in panel.findChildren(QToolButton)
                if button.defaultAction() is action)


def test_the_review_keys_act_in_the_cell_window_on_the_cell_shown(window, qtbot, tmp_path):
    """P, U, Space, ? and Ctrl+Z in the window a double-click opens act on the cell it shows,
    as its buttons do."""
    make_cell_folder(tmp_path / "cells", 12)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    batch = window.batch
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.actions.gallery.trigger()
    gallery, proxy = window.gallery, window.proxy
    qtbot.waitUntil(lambda: gallery.visualRect(proxy.index(0, THUMB)).isValid())  # laid out
    centre = gallery.visualRect(proxy.index(0, THUMB)).center()
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    cell = window.cell_window
    qtbot.waitUntil(cell.isVisible)
    gallery.select_source_rows([proxy.source_row(at) for at in range(3)])  # the first shown
    cell.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cell)
    shown = cell.detail.current_row()
    assert shown == proxy.source_row(0)

    qtbot.keyClick(cell, Qt.Key.Key_P)  # the cell shown, not the three selected
    assert batch.final_call(shown) == "parasitized" and batch.counts.reviewed == 1
    after = cell.detail.current_row()
    assert after != shown  # on to the next cell, as in the list
    qtbot.keyClick(cell, Qt.Key.Key_Question)
    assert batch.review(after) == UNSURE
    qtbot.keyClick(cell, Qt.Key.Key_Z, CTRL)
    assert batch.decision(after) is None
    qtbot.keyClick(cell, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert batch.review(after) == UNSURE
    current = cell.detail.current_row()
    qtbot.keyClick(cell, Qt.Key.Key_Space)
    assert batch.review(current) == "confirmed"
    current = cell.detail.current_row()
    qtbot.keyClick(cell, Qt.Key.Key_U)
    assert batch.final_call(current) == "uninfected"
    current = cell.detail.current_row()
    qtbot.mouseClick(_button(cell.detail, window.actions.mark_parasitized),
                     Qt.MouseButton.LeftButton)  # its buttons act on the cell shown too
    assert batch.final_call(current) == "parasitized" and batch.counts.reviewed == 4


def test_the_cell_panels_have_an_unsure_button_beside_the_others(window, qtbot, tmp_path):
    """Unsure is a button beside Parasitized, Uninfected and Confirm, as ? is a key beside
    theirs."""
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


@pytest.mark.parametrize("gallery", [False, True])
def test_the_arrows_in_the_cell_window_move_through_the_list(window, qtbot, tmp_path, gallery):
    """Down, End and Home in the full-size cell window moved the keys between its Grad-CAM
    box and slider and showed the same cell: a technician reviewing at full size had to go
    back to the main window for the next cell."""
    make_cell_folder(tmp_path / "cells", 12)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    if gallery:
        window.actions.gallery.trigger()
    proxy, table, cell = window.proxy, window.table, window.cell_window
    table.select_source_row(proxy.source_row(0))
    window.lists.opened.emit(proxy.source_row(0))  # as a double-click on it does
    cell.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cell)
    step = Qt.Key.Key_Right if gallery else Qt.Key.Key_Down
    for key, shown in ((step, 1), (Qt.Key.Key_End, proxy.rowCount() - 1),
                       (Qt.Key.Key_Home, 0), (step, 1)):
        qtbot.keyClick(QApplication.focusWidget(), key)
        assert cell.detail.current_row() == table.current_source_row() == proxy.source_row(
            shown)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U)  # on the cell shown
    assert window.batch.final_call(proxy.source_row(1)) == "uninfected"


def test_f_opens_the_selected_cell_at_full_size_with_the_keys(window, qtbot, tmp_path):
    """Only a double-click opened the full-size cell window: a technician on the keyboard
    alone never saw a cell at that size. F (View > Cell at full size) opens it on the cell
    selected, its arrows move the list, and Esc closes it, the keys back on the list."""
    assert not window.actions.full_size.isEnabled()  # no cell selected
    assert ("F", window.actions.full_size.toolTip().removesuffix(" (F)")) in (
        window.actions.key_sheet())  # named in the keys sheet (F1)
    make_cell_folder(tmp_path / "cells", 6)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    proxy, table, cell = window.proxy, window.table, window.cell_window
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    selected = table.current_source_row()
    assert selected == proxy.source_row(1) and window.actions.full_size.isEnabled()

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is cell)
    assert cell.isVisible() and cell.detail.current_row() == selected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert cell.detail.current_row() == table.current_source_row() == proxy.source_row(2)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not cell.isVisible())
    assert window.focusWidget() is table  # the keys' as the window is active again


def test_the_cell_window_lists_its_facts_top_to_bottom_as_the_panel_does(
        window, qtbot, tmp_path):
    """At 1024 x 700 the cell window put Call and Image in a second column, far right of
    P(parasitized) and Threshold, where the panel reads every fact one under the other."""
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    window.lists.opened.emit(window.proxy.source_row(0))  # as a double-click on it does
    cell = window.cell_window
    qtbot.waitUntil(cell.isVisible)
    cell.resize(1024, 700)
    qtbot.waitUntil(lambda: cell.width() == 1024)
    captions = cell.detail.facts._captions
    order = ["P(parasitized)", "Call", "Threshold", "Image", "Review", "Cell", "File", "Model"]
    for name in order:
        qtbot.waitUntil(lambda name=name: captions[name].isVisible())
    places = [(captions[name].x(), captions[name].y()) for name in order]
    assert len({x for x, _ in places}) == 1  # one column
    assert [y for _, y in places] == sorted({y for _, y in places})  # one under the other
