"""Faults of the register's writes, as autosave meets them: a save that takes long (a large
case), a file that refuses writes (a full disk) or a case it refuses (a conflict)."""

from __future__ import annotations

import threading
from pathlib import Path

from malariascope.core.errors import RegisterError, RegisterWriteError
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork

WAIT_MS = 60_000


def writes_done(window) -> bool:
    """True when ``window``'s autosave has nothing to write, now or soon."""
    saver = window.autosave
    return saver.writes.idle and not saver.pace.waiting


def assert_signed(data_folder: Path, uid: str, by: str = "Ann Lee") -> None:
    with Register(data_folder) as register:
        signed = register.load(uid).case.signed
    assert signed is not None and signed.signature.name == by


class SlowSave:
    """Makes the next save of a case wait, as one of a large case does, until :meth:`end`.

    The register's file refuses the saves of the case :attr:`failing` names once it is signed,
    and every save of the case :attr:`refused` names, as a full disk does, and the first
    :attr:`discards_refused` discards; it refuses the saves of the case :attr:`conflicting`
    names as a case it cannot take."""

    def __init__(self, monkeypatch) -> None:
        self.gate, self.armed = threading.Event(), False
        self.held = threading.Event()  # set once the save armed for waits at the gate
        self.failing = self.refused = self.conflicting = ""
        self.discards_refused = 0
        original, stored, discard = CaseWork.save, Register.save, Register.discard

        def save(work, *args, **kwargs):
            if self.armed:
                self.armed = False
                self.held.set()
                self.gate.wait(WAIT_MS / 1000)
            return original(work, *args, **kwargs)

        def store(register, case, *args, **kwargs):
            if (case.uid == self.failing and case.signed is not None) or case.uid == self.refused:
                raise RegisterWriteError("the disk is full")
            if case.uid == self.conflicting:
                raise RegisterError(f"case {case.uid[:8]} has amendments this copy lacks")
            return stored(register, case, *args, **kwargs)

        def discarding(register, uid):
            if self.discards_refused:
                self.discards_refused -= 1
                raise RegisterWriteError("database is locked")
            return discard(register, uid)

        monkeypatch.setattr(CaseWork, "save", save)
        monkeypatch.setattr(Register, "save", store)
        monkeypatch.setattr(Register, "discard", discarding)

    def start(self, window) -> None:
        """Ask ``window`` for a save (of a change) that takes long."""
        self.armed = True
        window.case.batch.set_review(0, window.case.batch.final_call(0))
        window.autosave.save_now()
        assert not window.autosave.writes.idle

    def end(self) -> None:
        self.gate.set()


def second_window_showing_it_signed(first, make_window, qtbot, data_folder: Path):
    """Sign ``first``'s case (saved) and start a new case there, which leaves the signed one
    free to amend elsewhere, then open a second window showing it (see
    :func:`second_window_showing`); the second window."""
    assert first.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    uid = first.case.case.uid
    assert first.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    return second_window_showing(first, make_window, qtbot, data_folder, uid)


def second_window_showing(first, make_window, qtbot, data_folder: Path, uid: str = ""):
    """A second window, autosave off (``first`` keeps its work), showing case ``uid`` (else
    ``first``'s) as the register holds it; the second window."""
    second = second_window(make_window, qtbot)
    with Register(data_folder) as register:
        assert second.past_case.show(register.load(uid or first.case.case.uid), "")
    return second


def second_window(make_window, qtbot):
    """A second window started on the data folder, autosave off: another window keeps its
    work there."""
    from malariascope.gui.app import start

    second = make_window(start=False)
    with qtbot.waitSignal(second.controller.model_ready, timeout=WAIT_MS):
        start(second)
    qtbot.waitUntil(lambda: second.status.autosave_label.toolTip().startswith(
        "Autosave is off"), timeout=WAIT_MS)
    return second
