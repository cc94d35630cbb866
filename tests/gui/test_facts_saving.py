"""What the technician types or chooses of the case, and the threshold moved, reach the
register as they are made, as reviews do: a crash a moment later loses none. Typing is paced:
a note typed is saved a moment after its keys, and at once when its box is left."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from malariascope.core.register import Register
from malariascope.gui import save_pace
from tests.gui.saving_faults import WAIT_MS

SOON_MS = 5_000  # a small write in a worker; the timer of new cells waits far longer


def saved_case(data_folder, uid: str):
    """Case ``uid`` as the register holds it now, read through a handle of its own."""
    with Register(data_folder) as register:
        return register.load(uid).case


def saved_once_idle(window, qtbot, data_folder, holds) -> None:
    """Wait for the window's writes to be done, none due later, and the register's copy of
    its case to hold what ``holds`` asks."""
    uid = window.batch.case.uid
    qtbot.waitUntil(lambda: window.autosave.writes.idle and not window.autosave.pace.waiting
                    and holds(saved_case(data_folder, uid)), timeout=SOON_MS)


def test_facts_and_threshold_are_saved_at_once_not_a_second_later(
        screened_window, qtbot, data_folder, monkeypatch):
    """A stain chosen, a slide id, patient id or note typed, or a threshold moved, without
    a review after it, waited a second for the autosave's timer: a crash in that second lost
    it."""
    monkeypatch.setattr(save_pace, "SAVE_EVERY_MS", 600_000)  # only a prompt write lands
    window, panel = screened_window, screened_window.case_panel
    panel.stain.setCurrentIndex(2)
    saved_once_idle(window, qtbot, data_folder,
                    lambda case: case.facts.stain == panel.stain.currentText())
    window.controls.threshold.spin.setValue(0.3)
    saved_once_idle(window, qtbot, data_folder,
                    lambda case: abs(case.rule.threshold - 0.3) < 1e-9)
    qtbot.keyClicks(panel.sample_id, "-2")
    saved_once_idle(window, qtbot, data_folder,
                    lambda case: case.facts.sample_id == "S-RACE-2")
    qtbot.keyClicks(panel.lines["patient_id"], "P-77")
    saved_once_idle(window, qtbot, data_folder,
                    lambda case: case.facts.patient_id == "P-77")


def test_a_note_being_typed_is_saved_a_moment_later_and_at_once_when_left(
        screened_window, qtbot, data_folder, monkeypatch):
    """Each key of a note is no save of its own: the save waits a moment for more keys."""
    monkeypatch.setattr(save_pace, "SAVE_EVERY_MS", 600_000)
    monkeypatch.setattr(save_pace, "SAVE_TYPED_MS", 600_000)  # only leaving the box saves
    window, panel = screened_window, screened_window.case_panel
    window.activateWindow()
    panel.show_box(panel.notes)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.notes, timeout=WAIT_MS)
    qtbot.keyClicks(panel.notes, "thin film only")
    QApplication.processEvents()  # a save due at once would be asked for now
    assert window.autosave.pace.waiting and window.autosave.writes.idle  # none per key
    assert window.case.case.facts.notes == "thin film only"
    panel.stain.setFocus()
    saved_once_idle(window, qtbot, data_folder,
                    lambda case: case.facts.notes == "thin film only")


def test_boxes_left_unchanged_ask_for_no_save(screened_window, qtbot, data_folder):
    """Tabbing through the case form's text boxes queued a save of the case at each box
    left, though nothing was typed."""
    window, panel = screened_window, screened_window.case_panel
    saved_once_idle(window, qtbot, data_folder, lambda case: True)
    written = []
    window.autosave.writes.written.connect(lambda: written.append(True))
    window.activateWindow()
    panel.show_box(panel.notes)
    for box in (panel.notes, panel.sample_id, panel.lines["patient_id"], panel.notes):
        box.setFocus()
        qtbot.waitUntil(lambda box=box: QApplication.focusWidget() is box, timeout=WAIT_MS)
    qtbot.wait(300)  # a save due at once would have run by now
    assert written == [] and not window.autosave.pace.waiting
