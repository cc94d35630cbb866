"""The lock of the case a window amends: while one window amends a case, no other takes that
amendment to finish it.

An amendment a window left (it closed, or stopped) is taken by the window that opens it
(``case_reading.takes``). A window without autosave keeps no work in the register that says
it is still amending its case, so every window amending its own case holds a lock file for
it in the data folder, beside the folder's own lock (``gui.folder_lock``): held by a live
process only, it is free again once that window closes or the process ends, however it ends.
A folder where no lock can be made has no window holding one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject

from malariascope.core.datadir import data_dir

if TYPE_CHECKING:
    from malariascope.gui.batch import Batch

#: Why a window does not take an amendment another window holds, in words that follow
#: ``core.errors.not_taken``.
AMENDED_ELSEWHERE = ("another MalariaScope window is amending it: sign it or withdraw the "
                     "amendment there, or close that window first")


def amending_lock(uid: str) -> QLockFile:
    """The lock of case ``uid`` being amended, in the data folder; not yet taken."""
    lock = QLockFile(str(data_dir() / f"amending-{uid}.lock"))
    lock.setStaleLockTime(0)  # only a live owner holds it, however old its lock is
    return lock


class AmendingLock(QObject):
    """Holds the lock of the case of ``batch`` while it is amended, and of no other case."""

    def __init__(self, batch: Batch, parent: QObject) -> None:
        super().__init__(parent)
        self._batch = batch
        self._lock: QLockFile | None = None
        self._uid = ""  # the case whose lock is held ("": none)
        batch.events.facts_changed.connect(self._follow)
        batch.events.reset.connect(self._follow)

    def elsewhere(self, uid: str) -> bool:
        """True when another window amends case ``uid``: it holds its lock. Found by taking
        the lock for a moment."""
        if uid == self._uid:
            return False
        lock = amending_lock(uid)
        if lock.tryLock(0):
            lock.unlock()
            return False
        return lock.error() == QLockFile.LockError.LockFailedError

    def release(self) -> None:
        """Hold no lock: the window closes."""
        if self._lock is not None:
            self._lock.unlock()
        self._lock, self._uid = None, ""

    def _follow(self) -> None:
        case = self._batch.case
        uid = case.uid if case.amending else ""
        if uid == self._uid:
            return
        self.release()
        if uid:
            lock = amending_lock(uid)
            if lock.tryLock(0):
                self._lock, self._uid = lock, uid
