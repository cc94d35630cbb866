"""The data folder's lock: the one window holding it keeps its work in the case register
there, and the cases it works on are its own; other windows on the folder run with autosave
off (see ``gui.autosave``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

from malariascope.core.atomic import temp_beside, why, write_synced

#: A starting window tries the lock this many times, this many ms apart, the window free
#: meanwhile, before it takes the lock for another window's: a window without autosave holds
#: it for a moment each time it asks :func:`held_elsewhere`.
TAKE_TRIES, TAKE_AGAIN_MS = 10, 100


def folder_lock(folder: Path) -> QLockFile:
    """The lock of the data ``folder``, not yet taken."""
    lock = QLockFile(str(folder / "session.lock"))
    lock.setStaleLockTime(0)  # only a live owner holds it, however old its lock is
    return lock


def held_elsewhere(folder: Path) -> bool:
    """True when a live window holds the lock of ``folder`` (not this one's to ask: a window
    holding it knows). Found by taking the lock for a moment; a folder where no lock can be
    made has no window holding one."""
    lock = folder_lock(folder)
    if lock.tryLock(0):
        lock.unlock()
        return False
    return lock.error() == QLockFile.LockError.LockFailedError


def why_unlockable(folder: Path) -> str:
    """Why no lock could be made in the data ``folder`` (a full disk, a read-only folder), in
    the OS's words, found by writing a small file there as the lock does."""
    try:
        probe = temp_beside(folder / "session.lock")
        try:
            write_synced(probe, b"probe")
        finally:
            probe.unlink(missing_ok=True)
    except OSError as exc:
        return f"cannot write in {folder}: {why(exc)}"
    return f"cannot lock {folder / 'session.lock'}"
