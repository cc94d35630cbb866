"""The lock of the case a window amends: while one window amends a case, no other takes that
amendment to finish it.

An amendment a window left (it closed, or stopped) is taken by the window that opens it
(``case_reading.takes``). A window without autosave keeps no work in the register that says
it is still amending its case, so every window amending its own case holds a lock file for
it in the data folder, beside the folder's own lock (``gui.folder_lock``), taken, let go
and asked about in workers as that one is: a data folder on a network mount that hangs holds
each call. Amend takes it before the case opens again: while another window holds it, the
case stays signed and Amend says so, as a window finding the folder's lock held runs
without autosave rather than wait for it. Only a live process holds it: one on this
machine is free again once that window closes or the process ends, however it ends. A
process on another machine sharing the folder cannot be told gone from here, and its lock
is never taken for stale, as a window there may hold it for hours without touching it: one
a crash there left holds the amendment until a window on that machine opens it again or
``amending-<uid>.lock`` is deleted. A folder where no lock can be made has no window
holding one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject

from malariascope.core.datadir import data_dir
from malariascope.gui.folder_lock import held_by_another, let_go, try_lock
from malariascope.gui.workers import Worker, WorkerGroup

if TYPE_CHECKING:
    from malariascope.gui.batch import Batch


def amended_on(host: str) -> str:
    """Why a window does not take an amendment another window (on ``host``, when known)
    holds, in words that follow ``core.errors.not_taken``."""
    where = f" on {host}" if host else ""
    return (f"another MalariaScope window{where} is amending it: sign it or withdraw the "
            "amendment there, or close that window first")


def amending_lock(uid: str) -> QLockFile:
    """The lock of case ``uid`` being amended, in the data folder; not yet taken."""
    lock = QLockFile(str(data_dir() / f"amending-{uid}.lock"))
    lock.setStaleLockTime(0)  # only a live owner holds it, however old its lock is
    return lock


def amended_elsewhere(uid: str, mine: QLockFile | None) -> str:
    """Why the window does not take case ``uid`` when another window amends it, holding its
    lock (:func:`amended_on`); "" when none does. ``mine`` is the asking window's lock of
    that case (:meth:`AmendingLock.mine`). Run in a worker."""
    lock = amending_lock(uid)
    return _held_on(lock) if held_by_another(lock, mine) else ""


def move_lock(held: QLockFile | None, wanted: QLockFile | None) -> str:
    """Let go of the lock ``held`` (if it is), then take ``wanted``: "" when taken, none is
    wanted or the folder takes no lock, else why not (:func:`amended_on`). Run in a
    worker."""
    if held is not None:
        held.unlock()
    if wanted is None or try_lock(wanted):
        return ""
    if wanted.error() != QLockFile.LockError.LockFailedError:
        return ""
    return _held_on(wanted)


def _held_on(lock: QLockFile) -> str:
    """Why the window does not take the amendment whose ``lock`` another window holds,
    naming that window's host as the lock file tells it (:func:`amended_on`)."""
    _pid, host, _app = lock.getLockInfo()  # no host when the file cannot be read
    return amended_on(host)


class AmendingLock(QObject):
    """Holds the lock of the case of ``batch`` while it is amended, and of no other case,
    taking and letting go of it in a worker of ``workers``, one move at a time."""

    def __init__(self, batch: Batch, workers: WorkerGroup, parent: QObject) -> None:
        super().__init__(parent)
        self._batch, self._workers = batch, workers
        self._lock: QLockFile | None = None  # of case _uid: held, being taken, or refused
        self._uid = ""  # the case whose lock is held or tried ("": none)
        self._wanted = ""  # the case whose lock the window should hold ("": none)
        self._moving = False  # a worker lets go of one lock and takes the next
        self._taking: Callable[[str], object] | None = None  # told once _wanted is tried
        self._refused = ""  # why the move running found the lock wanted held elsewhere
        batch.events.facts_changed.connect(self._follow)
        batch.events.reset.connect(self._follow)

    def mine(self, uid: str) -> QLockFile | None:
        """The window's lock of case ``uid``, held or being taken (None: none of that case),
        for :func:`amended_elsewhere`."""
        return self._lock if uid and uid == self._uid else None

    @property
    def taking(self) -> bool:
        """True while a lock is taken for an amendment about to start (:meth:`take`)."""
        return self._taking is not None

    def take(self, uid: str, then: Callable[[str], object]) -> bool:
        """Take the lock of case ``uid`` before it is amended, in a worker; ``then`` gets, on
        the UI thread, "" once it is held (or the folder takes no lock), else why another
        window holds it, and the lock follows the case again after it. One take at a time:
        False while one runs."""
        if self._taking is not None:
            return False
        self._taking, self._wanted = then, uid
        lock = self._lock
        if not self._moving and self._uid == uid and lock is not None and lock.isLocked():
            self._on_moved("")
        else:
            self._move()
        return True

    def release(self) -> None:
        """Let go of the lock held, as :func:`let_go` does: the window closes. A move still
        running lets go of the lock it took once it ends (:meth:`_on_moved`)."""
        self._wanted, self._taking = "", None
        if not self._moving and self._lock is not None:
            let_go(self._lock)
            self._uid, self._lock = "", None

    def _follow(self) -> None:
        if self._taking is not None:  # the amendment about to start decides
            return
        case = self._batch.case
        self._wanted = case.uid if case.amending else ""
        self._move()

    def _move(self) -> None:
        """Let go of the lock held and take the one of the case wanted, once no move runs;
        a lock another window held when tried is tried again at the next change."""
        lock = self._lock
        if self._moving or (self._wanted == self._uid
                            and (lock is None or lock.isLocked())):
            return
        self._uid = self._wanted
        self._lock = amending_lock(self._uid) if self._uid else None
        self._moving = True
        self._refused = ""
        worker = Worker(move_lock, lock, self._lock)
        worker.returned.connect(self._on_tried)
        worker.finished.connect(lambda: self._on_moved(self._refused))
        self._workers.start(worker)

    def _on_tried(self, refused: str) -> None:
        self._refused = refused

    def _on_moved(self, refused: str) -> None:
        """A move ended, the lock of the case wanted ``refused`` ("": taken, or none)."""
        self._moving = False
        then = self._taking
        if then is not None and self._wanted == self._uid:
            self._taking = None
            then(refused)
            self._follow()
        elif self._wanted != self._uid:
            self._move()
