"""A case of the register read for the window to show, with the register's answer to the
window taking it, both in one worker.

A case to be finished here (an amendment a window left, or an open case while the window
autosaves) goes on from the copy read, so the register is asked whether that copy may be
taken (``Register.check_take``), and of an amendment, whether another window amends it
(its lock: ``gui.amending_lock``), in the worker that reads it: a busy register, one on a
network share or a big one never holds up the window. The answer holds while no write of
the window's may have changed that case since it was asked: a save of that case, or a write
that may change any (``WriteQueue.may_change``), running then or asked since, or autosave
starting, has a case to be taken read and asked about again (one shown read-only is shown as
read); the saves of another case, as a screening makes about once a second, leave the answer
as it is. A window closed meanwhile takes no answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtWidgets import QMainWindow

from malariascope.core.datadir import data_dir
from malariascope.gui.amending_lock import amended_elsewhere
from malariascope.gui.workers import Worker

if TYPE_CHECKING:
    from PySide6.QtCore import QLockFile

    from malariascope.core.case import Case
    from malariascope.core.register import Register, StoredCase
    from malariascope.gui.autosave import Autosaver


class Read(NamedTuple):
    """A case read whole, and what the register says against the window taking it ("":
    nothing, or it is not to be taken)."""

    stored: StoredCase
    refused: str


def takes(case: Case, autosaves: bool) -> bool:
    """True when ``case`` is to be finished by the window that opens it: an amendment a
    window left, or an open case in a window that ``autosaves``."""
    return case.amending or (case.signed is None and autosaves)


def read(window: QMainWindow, register: Register, uid: str, then: Callable[[Read], object],
         failed: Callable[[Exception], object]) -> None:
    """Read case ``uid`` from ``register`` in a worker, asking the register whether
    MalariaScope's ``window`` may take it; ``then`` gets the :class:`Read` on the UI thread
    while the answer holds for the window, ``failed`` the exception of a read that failed."""
    autosave = window.autosave
    asked = _moment(autosave, uid)
    worker = Worker(read_case, register, uid, autosave.register, autosave.another_works,
                    autosave.amending.mine(uid))
    again = partial(read, window, register, uid, then, failed)
    worker.returned.connect(lambda found: _on_read(window, uid, asked, found, then, again))
    worker.errored.connect(failed)
    window.controller.workers.start(worker)


class Moment(NamedTuple):
    """What an answer of the register about a case holds for: the window's register (None:
    autosave is off), the writes asked of it so far, those of them that may change any case
    (``WriteQueue.turns``), the case the last one saves, and whether no write running or
    waiting may change the case asked about."""

    register: Register | None
    writes_asked: int
    turns: int
    saving: str
    settled: bool


def _moment(autosave: Autosaver, uid: str) -> Moment:
    writes = autosave.writes
    return Moment(autosave.register, writes.asked, writes.turns, writes.saving,
                  not writes.may_change(uid))


def _holds(asked: Moment, now: Moment, uid: str) -> bool:
    """True when no write of the window's may have changed case ``uid`` between ``asked``
    and ``now``: none that could was running or waiting then, and those asked since, if
    any, save the case the one before saved, not ``uid``."""
    return now.register is asked.register and asked.settled and (
        now.writes_asked == asked.writes_asked
        or (now.turns == asked.turns and asked.saving != uid))


def _on_read(window: QMainWindow, uid: str, asked: Moment, found: Read,
             then: Callable[[Read], object], again: Callable[[], object]) -> None:
    now = _moment(window.autosave, uid)
    if asked.register is not None and now.register is None:  # it goes only with the window
        return
    writing = now.register is asked.register and not now.settled  # the take waits for them
    if _holds(asked, now, uid) or writing or not takes(found.stored.case,
                                                        now.register is not None):
        then(found)  # the answer holds, or the case is shown read-only (no take)
    else:
        again()


def read_case(register: Register, uid: str, own: Register | None, guest: Callable[[], bool],
              amending: QLockFile | None) -> Read:
    """Case ``uid`` of ``register`` whole, and what is said against taking it when a window
    with ``own`` register (None: autosave is off) takes it: what the register says (see
    :func:`refusal`), else that another window, on the host its lock names, amends it
    (``amending``: the asking window's own lock of the case, ``AmendingLock.mine``)."""
    stored = register.load(uid)
    if not takes(stored.case, own is not None):
        return Read(stored, "")
    why = refusal(stored, own, guest)
    if not why and stored.case.amending:
        why = amended_elsewhere(uid, amending)
    return Read(stored, why)


def refusal(stored: StoredCase, register: Register | None, guest: Callable[[], bool]) -> str:
    """What the register says against taking ``stored`` ("": nothing): ``register``, the
    window's own; or, None, the data folder's, read by a window without autosave (which
    saves a case it signs or amends itself), as a ``guest`` while another window keeps its
    work there."""
    from malariascope.core.errors import CaseChangedError, CaseHeldError, RegisterError
    from malariascope.core.register import Register

    try:
        if register is not None:
            register.check_take(stored)
        else:
            with Register(data_dir(), view=True) as viewed:
                viewed.check_take(stored, guest=guest())
    except (CaseChangedError, CaseHeldError) as exc:
        return exc.why
    except RegisterError as exc:
        return str(exc)
    return ""


def own_refusal(uid: str, guest: Callable[[], bool]) -> str:
    """What the register says against a window without autosave amending its own case
    ``uid`` (one it screened and signed itself) while another window keeps its work in the
    data folder: that window may have opened the case since, to amend or finish it ("":
    nothing). A case the register does not hold, or cannot read, is left to its save to
    tell."""
    from malariascope.core.errors import RegisterError
    from malariascope.core.register import Register

    if not guest():
        return ""
    try:
        with Register(data_dir(), view=True) as viewed:
            stored = viewed.load(uid)
    except RegisterError:
        return ""
    return refusal(stored, None, guest)
