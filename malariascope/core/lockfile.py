"""A lock beside a file being written, so that two runs never write the same file at once.

The lock is the operating system's lock on a small file named ``.<name>.<digest>.lock`` beside
the target (``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows): it is released when its
holder ends, however it ends, so a run that was killed leaves no lock that stops the next one.
The holder removes the file when it is done; one left by a killed run is taken over. Where
the file system takes no locks at all, files are written unlocked.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from malariascope.core.atomic import NAME_KEPT, hide, why
from malariascope.core.errors import ReportBusyError, ReportError

if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _close(fd: int) -> None:
        """Unlock, then close: Windows frees a lock left on a closed file only when it gets
        round to it, so the next run could find the target busy."""
        with contextlib.suppress(OSError):  # not locked by this descriptor
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)
else:
    import fcntl

    #: What a file system that takes no locks (some network shares) answers: the file is
    #: written unlocked there, rather than not at all.
    _NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno not in _NO_LOCKS:
                raise
        return True

    def _close(fd: int) -> None:
        os.close(fd)  # closing lets the flock go at once


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has none, and no such symlinks to fear


def lock_path(target: Path) -> Path:
    """The lock file of ``target``: named after it, short whatever its name (a name that
    fits its folder must not make a lock name that does not), one for every spelling of a
    name on a disk that ignores case."""
    digest = hashlib.sha256(os.fsencode(target.name.casefold())).hexdigest()[:12]
    return target.with_name(f".{target.name[:NAME_KEPT]}.{digest}.lock")


class TargetLock:
    """Holds the lock of one target file from :meth:`acquire` to :meth:`release`."""

    def __init__(self, target: Path) -> None:
        self.path = lock_path(target)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process (or writer) holds it. OSError when the
        lock file cannot be made (a read-only folder)."""
        while True:
            # a symlink at the lock's name is not followed: in a folder others can write, it
            # would have this process make a file wherever it points
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, 0o666)
            try:
                locked = _try_lock(fd)
                if locked and _same_file(fd, self.path):
                    self._fd = fd
                    hide(self.path)
                    return True
            except BaseException:
                _close(fd)
                raise
            _close(fd)
            if not locked:
                return False
            # The holder removed the file between our open and our lock: lock the new one.

    def release(self) -> None:
        """Remove the lock file, then let the lock go (in that order, so that whoever takes
        the lock next holds the file that is in place)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if os.name != "nt":  # Windows removes no file that is open
            with contextlib.suppress(OSError):
                self.path.unlink()
        _close(fd)
        if os.name == "nt":
            with contextlib.suppress(OSError):  # another run may have it open: it stays
                self.path.unlink()


def held(lock_file: Path) -> bool:
    """True while a writer (this process's too) holds the lock of ``lock_file``, a file
    :func:`lock_path` names; False once it is gone or free."""
    try:
        fd = os.open(lock_file, os.O_RDWR | _NO_FOLLOW)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    except OSError:  # it takes no lock at all
        return False
    finally:
        _close(fd)


def _same_file(fd: int, path: Path) -> bool:
    """True when ``path`` still names the file open as ``fd``."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def lock_targets(targets: Iterable[Path]) -> list[TargetLock]:
    """The locks of all ``targets``, or none: ReportBusyError names a target another writer
    holds, ReportError one whose lock cannot be made."""
    locks: list[TargetLock] = []
    try:
        for target in targets:
            lock = TargetLock(target)
            try:
                taken = lock.acquire()
            except OSError as exc:
                raise ReportError(f"cannot write {target}: {why(exc)}") from exc
            if not taken:
                raise ReportBusyError(target)
            locks.append(lock)
    except BaseException:
        for lock in locks:
            lock.release()
        raise
    return locks


@contextlib.contextmanager
def locks_held(*targets: Path) -> Iterator[None]:
    """The block run holding the locks of all ``targets`` (see :func:`lock_targets`), each
    let go after it, however it ends."""
    locks = lock_targets(targets)
    try:
        yield
    finally:
        for lock in locks:
            lock.release()
