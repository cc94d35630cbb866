"""The data folder's lock: the one window holding it keeps its work in the case register
there, and the cases it works on are its own; other windows on the folder run with autosave
off (see ``gui.autosave``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QLockFile, QThreadPool

from malariascope.core.atomic import temp_beside, why, write_synced
from malariascope.core.datadir import named_data_dir
from malariascope.core.errors import RegisterError

#: A starting window tries the lock this many times, this many ms apart, the window free
#: meanwhile, before it takes the lock for another window's: a window without autosave holds
#: it for a moment each time it asks :func:`held_elsewhere`.
TAKE_TRIES, TAKE_AGAIN_MS = 10, 100

# One try of a lock at a time in the app: a window takes a lock in one worker while another
# may ask whether it is held elsewhere, whose moment's hold would look like another window's.
_TRYING = threading.Lock()


class Taken(NamedTuple):
    """What :func:`take` found: the folder's ``lock`` taken (None: not), else whether another
    window ``held`` it, or ``why`` the folder takes no file."""

    lock: QLockFile | None
    held: bool = False
    why: str = ""


def folder_lock(folder: Path) -> QLockFile:
    """The lock of the data ``folder``, not yet taken."""
    lock = QLockFile(str(folder / "session.lock"))
    lock.setStaleLockTime(0)  # only a live owner holds it, however old its lock is
    return lock


def held_elsewhere(folder: Path, mine: QLockFile | None = None) -> bool:
    """True when another live window holds the lock of ``folder``; ``mine`` is the asking
    window's own lock, held or being taken, which is no other window's."""
    return held_by_another(folder_lock(folder), mine)


def held_by_another(lock: QLockFile, mine: QLockFile | None = None) -> bool:
    """True when another live window holds ``lock`` (not taken); ``mine`` is the asking
    window's own lock of that file, held or being taken, which is no other window's. Found
    by taking the lock for a moment, so run in a worker; a folder where no lock can be made
    has no window holding one."""
    with _TRYING:
        if mine is not None and mine.isLocked():
            return False
        if lock.tryLock(0):
            lock.unlock()
            return False
    return lock.error() == QLockFile.LockError.LockFailedError


def try_lock(lock: QLockFile) -> bool:
    """Take ``lock`` if it is free (True when taken), never while another try runs. Run in a
    worker: a folder on a network mount that hangs holds the call as long. The lock taken
    is a plain file lock, held by the process, so any thread may unlock it later."""
    with _TRYING:
        return lock.tryLock(0)


def let_go(lock: QLockFile) -> None:
    """Let go of ``lock`` in a thread of the pool, answering nothing: a folder on a network
    mount that hangs holds that thread, never the window, and a window closed (or an
    interpreter ended) meanwhile has no signal of it to take. The app waits for the pool
    before it exits."""
    QThreadPool.globalInstance().start(lock.unlock)


def take(folder: Path, lock: QLockFile) -> Taken:
    """Make the data ``folder`` and take its ``lock`` (:func:`folder_lock`), found out as
    :class:`Taken`. Run in a worker, as :func:`try_lock`."""
    try:
        named_data_dir()  # a variable too long for any path is told by its name
        folder.mkdir(parents=True, exist_ok=True)
    except RegisterError as exc:
        return Taken(None, why=str(exc))
    except OSError as exc:
        return Taken(None, why=f"cannot create {folder}: {why(exc, fixed_place=True)}")
    if try_lock(lock):
        return Taken(lock)
    if lock.error() == QLockFile.LockError.LockFailedError:
        return Taken(None, held=True)
    return Taken(None, why=why_unlockable(folder))


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
        return f"cannot write in {folder}: {why(exc, fixed_place=True)}"
    return f"cannot lock {folder / 'session.lock'}"
