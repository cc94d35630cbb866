"""Where the keys go in the real window: to the cell list at start, after a restore and after
every dialog, and to the window's shortcuts from its text boxes, while typing there never
reviews a cell."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from malariascope.gui import dialogs, file_dialogs
from malariascope.gui.app import start
from malariascope.gui.batch import UNINFECTED
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)
from tests.images import make_cell_folder


@pytest.fixture
def cells(tmp_path):
    folder = tmp_path / "cells"
    make_cell_folder(folder, 8)
    return folder


def no_dialog_left(window) -> bool:
    return not any(box.isVisible() for box in window.findChildren(QMessageBox))


def press_u(window, qtbot, after: str) -> int:
    """Activate ``window`` as the returning user does and press U on the current cell: it is
    reviewed, and neither text box of the batch changed. Returns the row reviewed."""
    batch, row = window.batch, window.table.current_source_row()
    facts, reviewed = batch.facts, batch.counts.reviewed
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U)
    assert (batch.facts.sample_id, batch.facts.operator) == (
        facts.sample_id, facts.operator), f"U typed into a text box after {after}"
    assert batch.counts.reviewed == reviewed + 1, f"U reviewed nothing after {after}"
    assert batch.final_call(row) == UNINFECTED
    return row


def select_unreviewed(window) -> None:
    batch = window.batch
    window.table.select_source_row(next(row for row, result in enumerate(batch.results)
                                        if result.ok and not batch.review(row)))


def test_after_restore_u_reviews_where_the_technician_stopped_not_the_sample_id(
        make_window, qtbot, left_session):
    """After Restore the keys went to the Sample id box (U made it "S-9u") and the cursor
    was on row 1, not where the technician stopped."""
    window = make_window()
    assert window.focusWidget() is window.table  # at start
    start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    last = left_session.decisions[-1].row
    assert window.table.current_source_row() == window.table.source_row_after(last)
    assert press_u(window, qtbot, "Restore") == window.table.source_row_after(last)
    assert window.batch.facts.sample_id == "S-9"


def test_the_list_holds_the_keys_after_every_dialog(window, qtbot, cells, tmp_path):
    screen_and_wait(window, qtbot, [cells])

    def fail_export() -> None:
        with qtbot.waitSignal(window.controller.export_failed, timeout=30_000):
            window.export_to(tmp_path / "no such folder" / "r.csv")

    shown = {
        "About": (window.actions.about.trigger, "OK"),
        "a message": (lambda: dialogs.model_not_loaded(window, "a test", False), "OK"),
        "the data folder box": (window.actions.data_folder.trigger, "Close"),
        "the export failure": (fail_export, "Close"),
        "the no sample id question": (window.actions.export.trigger, "Cancel"),
        "the unsaved reviews question": (lambda: window.open_paths([tmp_path]), "Cancel"),
    }
    for name, (show, button) in shown.items():
        select_unreviewed(window)
        window.case_panel.sample_id.setFocus()  # typed in last, say
        answer_next_dialog(window, lambda box, button=button: click(box, button))
        show()
        qtbot.waitUntil(lambda: no_dialog_left(window), timeout=30_000)
        press_u(window, qtbot, name)


@pytest.mark.parametrize("box", ["sample_id", "operator", "threshold"])
def test_ctrl_e_exports_from_every_text_box_where_letters_stay_typing(window, qtbot,
                                                                      cells, box, monkeypatch):
    """Ctrl+E did nothing while a text box had the keys: a line edit keeps it for "end of
    line" under X11's key scheme (QT_QPA_PLATFORM=xcb, e.g. in xvfb-run; offscreen's scheme
    leaves Ctrl+E to the window)."""
    monkeypatch.setattr(file_dialogs, "ask_report_path",
                        lambda *args, **kwargs: None)  # never blocks
    screen_and_wait(window, qtbot, [cells])
    panel = window.case_panel
    widget = {"sample_id": panel.sample_id, "operator": panel.operator,
              "threshold": window.controls.threshold.spin}[box]
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    if box != "threshold":
        qtbot.keyClick(widget, Qt.Key.Key_U)  # a letter types there and reviews nothing
        assert widget.text() == "u" and window.batch.counts.reviewed == 0
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)  # and Backspace deletes it
    with qtbot.waitSignal(window.actions.export.triggered, timeout=5_000):
        qtbot.keyClick(widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.batch.facts.sample_id == ""
    click(wait_for_box(qtbot, window, "No slide id"), "Cancel")  # the export asks first


@pytest.mark.parametrize(("box", "keys", "chosen"), [("stain", "ug", "Giemsa"),
                                                    ("sex", "pqf", "female")])
def test_letters_typed_in_a_drop_down_pick_there_and_review_nothing(
        window, qtbot, cells, box, keys, chosen):
    """P and U in the case form's Sex or Stain drop-down reviewed the cell selected in the
    list, and G opened the gallery: a closed drop-down does not claim letters itself."""
    screen_and_wait(window, qtbot, [cells])
    select_unreviewed(window)
    window.central.show_case()
    widget = getattr(window.case_panel, box)
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    for key in keys:  # each on its own: a drop-down searches the letters typed together
        qtbot.keyClick(widget, key)
        qtbot.wait(QApplication.keyboardInputInterval() + 50)
    assert window.batch.counts.reviewed == 0
    assert not window.actions.gallery.isChecked() and not window.actions.review_queue.isChecked()
    assert widget.currentText() == chosen


def test_tab_leaves_the_notes_box_for_the_next_one(window, qtbot):
    notes = window.case_panel.notes
    window.central.show_case()
    window.activateWindow()
    notes.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, "thick film too")
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert notes.toPlainText() == "thick film too"
    assert QApplication.focusWidget() is window.case_panel.target


def _focused(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return QApplication.focusWidget()


def test_cancel_clicked_leaves_the_keys_on_the_list_not_the_threshold(window, qtbot,
                                                                      big_folder):
    """The Cancel button took the keys when clicked and, hidden as the screening ended,
    passed them to the threshold box: the next Down moved the threshold 0.187 -> 0.177."""
    threshold = window.batch.facts.rule.threshold
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.open_paths([big_folder])
        qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=SCREEN_TIMEOUT_MS)
        window.lists.setFocus()
        qtbot.mouseClick(window.status.task_status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(_focused(window, qtbot), Qt.Key.Key_Down)
    assert window.batch.facts.rule.threshold == threshold


def test_model_default_gives_the_keys_back_to_the_list(window, qtbot, cells):
    """Clicked with the keys in the threshold box, Model default left them there: the next
    Down moved the threshold off the model's again."""
    screen_and_wait(window, qtbot, [cells])
    spin = window.controls.threshold.spin
    _focused(window, qtbot)
    spin.setFocus()
    spin.setValue(0.3)
    qtbot.mouseClick(window.controls.reset, Qt.MouseButton.LeftButton)
    default = window.batch.facts.default_threshold
    assert window.batch.facts.rule.threshold == pytest.approx(default)
    focused = _focused(window, qtbot)
    qtbot.keyClick(focused, Qt.Key.Key_Down)
    assert window.batch.facts.rule.threshold == pytest.approx(default)


def test_ctrl_tab_switches_between_the_cell_and_the_case_keeping_the_keys_on_the_list(
        window, qtbot, cells):
    """No key showed the Case tab or brought the selected cell back: after typing the case's
    facts, a technician reviewing by keyboard could not see the cell image again. From a box
    of the case, the keys went on to the Grad-CAM box and then the threshold: four Downs
    meant for the list moved the threshold 0.187 -> 0.157."""
    screen_and_wait(window, qtbot, [cells])
    tabs, focused = window.central.tabs, _focused(window, qtbot)
    threshold, row = window.batch.facts.rule.threshold, window.table.current_source_row()
    assert tabs.currentIndex() == 0
    qtbot.keyClick(focused, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 1 and QApplication.focusWidget() is focused
    window.central.show_case()  # the slide id box has the keys: Ctrl+Tab still switches
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 0
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert window.batch.facts.rule.threshold == threshold
    assert window.table.current_source_row() != row  # the list moved, as Down means


@pytest.mark.parametrize("box", ["sample_id", "threshold"])
def test_esc_in_a_text_box_leaves_the_screening_running(window, qtbot, big_folder, box):
    """Esc pressed in the slide id box while a slide screened stopped the screening (the
    window's Cancel key): 64 of 2,000 cells were screened, and the case was left partial."""
    widget = {"sample_id": window.case_panel.sample_id,
              "threshold": window.controls.threshold.spin}[box]
    cancelled = []
    window.actions.cancel.triggered.connect(lambda: cancelled.append(True))
    with qtbot.waitSignal(window.controller.screening_finished,
                          timeout=SCREEN_TIMEOUT_MS) as finished:
        window.open_paths([big_folder])
        qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=SCREEN_TIMEOUT_MS)
        window.central.show_case()
        _focused(window, qtbot)
        widget.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
        qtbot.keyClick(widget, Qt.Key.Key_Escape)
        assert not cancelled
    assert finished.args[1] and len(window.batch) == 2000
