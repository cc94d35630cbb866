"""The lock of a case amended (``gui.amending_lock``) is taken, let go and asked about in
workers, as the data folder's own lock is: a folder on a network mount that hangs holds
each call, never the window."""

from __future__ import annotations

import socket
import threading

from PySide6.QtCore import QLockFile

from malariascope.gui import amending_lock
from malariascope.gui.amending_lock import amended_on
from tests.gui.helpers import amend_case
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_held_case import signed_in_a_second_window
from tests.gui.test_register_dialog import open_past, open_register
from tests.gui.test_take_refused import notes


def recorded(monkeypatch) -> list[tuple[str, threading.Thread]]:
    """Each try, let-go and reading of an amending lock from now on, with the thread it ran
    in (the real QLockFile's)."""
    calls: list[tuple[str, threading.Thread]] = []

    class Recorded(QLockFile):
        def tryLock(self, timeout: int = 0) -> bool:
            calls.append(("tryLock", threading.current_thread()))
            return super().tryLock(timeout)

        def unlock(self) -> None:
            calls.append(("unlock", threading.current_thread()))
            super().unlock()

        def getLockInfo(self) -> tuple[int, str, str]:
            calls.append(("getLockInfo", threading.current_thread()))
            return super().getLockInfo()

    monkeypatch.setattr(amending_lock, "QLockFile", Recorded)
    return calls


def test_the_amending_lock_is_taken_let_go_and_asked_about_off_the_ui_thread(
        screened_window, make_window, qtbot, data_folder, tmp_path, monkeypatch):
    """The lock was tried and let go on the UI thread, as the case's facts changed and as a
    case read from the register was opened: a data folder on a network mount that hung
    froze the window at Amend, at Sign and at Open."""
    calls = recorded(monkeypatch)
    first = screened_window
    second = signed_in_a_second_window(make_window, qtbot, tmp_path)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    held = data_folder / f"amending-{second.batch.case.uid}.lock"
    qtbot.waitUntil(held.exists, timeout=WAIT_MS)
    assert first.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    said = notes(first, monkeypatch)

    open_past(open_register(first, qtbot), qtbot, "S-TWO")
    assert said[-1] == f"Case S-TWO not opened: {amended_on(socket.gethostname())}"
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert second.case_flow.sign("Bob Ray")
    qtbot.waitUntil(lambda: not held.exists(), timeout=WAIT_MS)
    assert [name for name, _ in calls].count("tryLock") == 2  # the take, then the question
    assert {"unlock", "getLockInfo"} <= {name for name, _ in calls}  # the host it names
    assert threading.main_thread() not in {thread for _, thread in calls}
