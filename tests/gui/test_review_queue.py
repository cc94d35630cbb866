"""The review queue in the real window: its screens shrink as they are reviewed, a cell
marked unsure leaves it and comes back with the case, its cell shows beside it, and the
toolbar's button is in step with it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton

from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import THUMB
from tests.gui.helpers import (
    click,
    close_window,
    screen_and_wait,
    started_window,
    wait_for_box,
)
from tests.gui.test_gallery import CTRL, _gallery, _shown, cells  # noqa: F401 (a fixture)
from tests.images import make_cell_folder
from tests.reports import read_rows


def test_the_review_queue_button_is_on_exactly_while_the_queue_shows(
        window, qtbot, cells):  # noqa: F811
    """The button never showed as on while the review queue was the view shown, so a
    technician could not tell the queue from the gallery with the To review filter."""
    screen_and_wait(window, qtbot, [cells])
    queue = window.actions.review_queue
    button = next(b for b in window.findChildren(QToolButton) if b.defaultAction() is queue)
    gallery = _gallery(window, qtbot)
    assert not button.isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    assert button.isChecked() and window.actions.filters[Filter.TO_REVIEW].isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Show: All
    assert not button.isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)  # To review
    assert button.isChecked()  # the gallery of the queue's cells is the queue
    qtbot.keyClick(gallery, Qt.Key.Key_G)  # the table
    assert not button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked() and window.lists.gallery_shown()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # off: every cell, in the gallery
    assert not button.isChecked() and window.actions.filters[Filter.ALL].isChecked()
    assert window.lists.gallery_shown()


def test_the_review_queue_shrinks_as_screens_are_reviewed(window, qtbot, cells):  # noqa: F811
    screen_and_wait(window, qtbot, [cells])
    batch, summary = window.batch, window.summary
    suspects = [row for row in range(len(batch)) if batch.suspect(row)]
    assert suspects
    gallery = _gallery(window, qtbot)
    window.table.select_source_row(suspects[-1])
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    assert window.actions.filters[Filter.TO_REVIEW].isChecked()
    assert sorted(_shown(window)) == suspects
    assert window.table.current_source_row() == _shown(window)[0]  # highest P, in view
    assert gallery.visible_source_rows()[0] == _shown(window)[0]
    assert summary.text("suspects") == str(len(suspects))

    screen = gallery.visible_source_rows()[:4]
    first, last = (gallery.visualRect(window.proxy.index(at, THUMB)).center()
                   for at in (0, len(screen) - 1))
    qtbot.mousePress(gallery.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseMove(gallery.viewport(), last)
    qtbot.mouseRelease(gallery.viewport(), Qt.MouseButton.LeftButton, pos=last)
    assert gallery.selected_source_rows() == screen
    qtbot.keyClick(gallery, Qt.Key.Key_Space)
    left = [row for row in suspects if row not in screen]
    assert sorted(_shown(window)) == left
    assert summary.text("suspects") == str(len(left))
    assert window.table.current_source_row() == _shown(window)[0]  # the queue moved on

    unsure = _shown(window)[0]
    qtbot.keyClick(gallery, Qt.Key.Key_Question)  # for a second reader: out of this queue
    assert batch.review(unsure) == "unsure" and unsure not in _shown(window)
    assert summary.text("suspects") == str(len(left))  # and still not reviewed
    assert summary.caption("suspects") == "to review, 1 unsure"
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert window.proxy.rowCount() == 0 and summary.text("suspects") == "1"


def test_unsure_round_trips_through_the_autosave_and_the_csv(make_window, qtbot,
                                                            cells,  # noqa: F811
                                                            data_folder, tmp_path):
    from malariascope.gui.app import start

    window = started_window(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    unsure = _shown(window)[:3]
    gallery.select_source_rows(unsure)
    qtbot.keyClick(gallery, Qt.Key.Key_Question)

    def saved() -> Session:
        with Register(data_folder) as register:
            return CaseWork(register).load() or Session([])

    qtbot.waitUntil(lambda: {d.row for d in saved().decisions if d.pressed == "unsure"}
                    == set(unsure), timeout=60_000)
    session = saved()  # as a crash would leave it: closing on purpose gives the case up
    close_window(window, qtbot)
    with Register(data_folder) as register:
        CaseWork(register).save(session)

    restored = make_window()
    start(restored)
    click(wait_for_box(qtbot, restored, "Restore unsaved work?"), "Restore")
    assert [restored.batch.review(row) for row in unsure] == ["unsure"] * 3
    assert restored.batch.counts.reviewed == 0
    assert restored.summary.text("suspects") == str(window.batch.counts.unreviewed_flagged)
    report = tmp_path / "report.csv"
    with qtbot.waitSignal(restored.controller.export_finished, timeout=30_000):
        restored.export_to(report)
    rows = read_rows(report)
    assert [rows[row]["review"] for row in unsure] == ["unsure"] * 3
    assert all(row["review"] == "" for i, row in enumerate(rows) if i not in unsure)


def test_a_cell_marked_unsure_leaves_the_queue_and_no_screenful_takes_it(window, qtbot,
                                                                         tmp_path):
    """Kept in the queue (highest P first), a cell marked unsure stayed on the first screen:
    a screenful confirmed with Space took it in, and at the queue's end the cursor fell back
    onto it, so one more key overrode it."""
    folder = tmp_path / "cells"
    make_cell_folder(folder, 24)
    screen_and_wait(window, qtbot, [folder])
    batch, gallery = window.batch, _gallery(window, qtbot)
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    unsure = _shown(window)[0]
    qtbot.keyClick(gallery, Qt.Key.Key_Question)
    assert batch.review(unsure) == "unsure" and unsure not in _shown(window)
    first, last = (gallery.visualRect(window.proxy.index(at, THUMB)).center() for at in (0, 3))
    qtbot.mousePress(gallery.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseMove(gallery.viewport(), last)
    qtbot.mouseRelease(gallery.viewport(), Qt.MouseButton.LeftButton, pos=last)
    qtbot.keyClick(gallery, Qt.Key.Key_Space)
    while _shown(window):
        qtbot.keyClick(gallery, Qt.Key.Key_U)
    qtbot.keyClick(gallery, Qt.Key.Key_U)  # the queue is empty: nothing to review
    assert batch.review(unsure) == "unsure"


def test_the_review_queue_shows_its_cell_beside_it_when_the_case_tab_was_showing(
        window, qtbot, cells):  # noqa: F811
    """Q (or Review them when signing) with the Case tab showing opened the queue but left
    the Case tab beside it: the cell under review and its Grad-CAM stayed hidden until
    Ctrl+Tab."""
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    window.central.switch_panel()  # Ctrl+Tab: the case's facts beside the list
    assert window.central.tabs.currentWidget() is window.case_panel
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    assert window.actions.filters[Filter.TO_REVIEW].isChecked()
    assert window.central.tabs.currentWidget() is window.detail
    assert QApplication.focusWidget() is gallery
