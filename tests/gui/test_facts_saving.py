"""What the technician types of the case (slide id, patient, notes) and the threshold moved
reach the register as they are made, as reviews do: a crash a moment later loses none."""

from __future__ import annotations

from malariascope.core.register import Register
from malariascope.gui import autosave

SOON_MS = 5_000  # a small write in a worker; the timer of the other changes waits far longer


def saved_case(data_folder, uid: str):
    """Case ``uid`` as the register holds it now, read through a handle of its own."""
    with Register(data_folder) as register:
        return register.load(uid).case


def test_facts_and_threshold_are_saved_at_once_not_a_second_later(
        screened_window, qtbot, data_folder, monkeypatch):
    """A slide id, patient id, note or threshold changed without a review after it waited
    a second for the autosave's timer: a crash in that second lost it."""
    monkeypatch.setattr(autosave, "SAVE_EVERY_MS", 600_000)  # only a prompt write lands
    window = screened_window
    uid = window.batch.case.uid
    panel = window.case_panel
    qtbot.keyClicks(panel.sample_id, "-2")
    qtbot.waitUntil(lambda: saved_case(data_folder, uid).facts.sample_id == "S-RACE-2",
                    timeout=SOON_MS)
    qtbot.keyClicks(panel.lines["patient_id"], "P-77")
    qtbot.waitUntil(lambda: saved_case(data_folder, uid).facts.patient_id == "P-77",
                    timeout=SOON_MS)
    qtbot.keyClicks(panel.notes, "thin film only")
    qtbot.waitUntil(lambda: saved_case(data_folder, uid).facts.notes == "thin film only",
                    timeout=SOON_MS)
    window.controls.threshold.spin.setValue(0.3)
    qtbot.waitUntil(lambda: abs(saved_case(data_folder, uid).rule.threshold - 0.3) < 1e-9,
                    timeout=SOON_MS)
