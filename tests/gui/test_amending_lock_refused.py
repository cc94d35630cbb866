"""Amend takes the case's amending lock (``gui.amending_lock``) before it opens the signed
case: while another live process holds that lock, Amend says so and leaves the case signed,
as a window finding the data folder's lock held runs without autosave; once the other lets
go, Amend takes it."""

from __future__ import annotations

import socket

from tests.gui.helpers import amend_case
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_folder_lock import held_by_a_process
from tests.gui.test_take_refused import notes

#: Another process takes the lock of amending case argv[2] in data folder argv[1], as a
#: window amending it does, says so, and lets it go when told.
HOLD_AMENDING = """
import sys
from pathlib import Path
from PySide6.QtCore import QLockFile
lock = QLockFile(str(Path(sys.argv[1]) / f"amending-{sys.argv[2]}.lock"))
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("held", flush=True)
sys.stdin.readline()
lock.unlock()
"""


def test_amend_refuses_a_case_another_process_amends_and_takes_it_once_let_go(
        screened_window, qtbot, data_folder, monkeypatch):
    """A window amended a signed case whose amending lock another window held: it tried the
    lock again only at its next change, so both windows amended the case at once."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    uid, name = window.batch.case.uid, window.batch.case.name
    said = notes(window, monkeypatch)
    with held_by_a_process(HOLD_AMENDING, str(data_folder), uid) as let_go:
        assert not amend_case(window, qtbot, "a cell misread", "Ann Lee")
        assert said[-1] == (f"Case {name} not amended: another MalariaScope window on "
                            f"{socket.gethostname()} is amending it: sign it or withdraw the "
                            "amendment there, or close that window first")
        assert window.case.signed and not window.batch.case.amending
        let_go()  # the other window lets go

    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(window, qtbot, "a cell misread", "Ann Lee")
    assert window.autosave.amending.mine(uid).isLocked()
