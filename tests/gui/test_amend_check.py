"""Amend's check of a past case against the register runs in a worker: the window never
waits for a save of its own under way, nor for a register it opens to read."""

from __future__ import annotations

import threading

from malariascope.core.register import Register, saving
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_autosave_order import _sign_and_begin_another

SAFETY_S = 10  # the save under way ends by then whatever happens, so no test hangs


def test_amending_a_past_case_never_waits_for_a_save_under_way(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch):
    """Amend's check ran on the UI thread, through the register a save of the window held
    (a large case's, or one waiting up to 5 s for another process's write): the window froze
    until that save ended. Amend returns while the save runs, and the case is amended once
    the register answers."""
    window = screened_window
    past_uid = _sign_and_begin_another(window, qtbot, tmp_path)
    with Register(data_folder) as register:
        past = register.load(past_uid)
    reached, gate, ended = threading.Event(), threading.Event(), threading.Event()
    write_case = saving.write_case

    def held(*args, **kwargs) -> None:  # inside the save's transaction, the register held
        reached.set()
        gate.wait(SAFETY_S)
        write_case(*args, **kwargs)
        ended.set()

    monkeypatch.setattr(saving, "write_case", held)
    assert window.case_flow.sign("Bob Ray")  # saved at once: the save under way
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    monkeypatch.setattr(saving, "write_case", write_case)
    try:
        assert window.past_case.show(past, "")
        with qtbot.waitSignal(window.case_flow.message, timeout=WAIT_MS,
                              check_params_cb=lambda line: "mended" in line) as said:
            assert window.case_flow.amending.amend("wrong slide id", "Ann Lee")
            assert not ended.is_set()  # the save still under way
            gate.set()
    finally:
        gate.set()
    assert said.args == ["Amended: the signed version is kept; sign again when done"]
    assert window.past_case.shown is None and window.batch.case.amending
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert register.load(past_uid).case.amending
