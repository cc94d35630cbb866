"""Write failures a test machine does not produce on demand: a full disk, a report held open by
another program (Windows refuses to replace a file Excel has open), a read-only folder.

Each fault patches the one OS call that would fail, only for the paths it is given, and
raises exactly what the OS raises; the code under test runs unchanged.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def _inside(path: object, folder: Path) -> bool:
    try:
        return Path(os.fsdecode(path)).resolve().is_relative_to(folder.resolve())
    except TypeError:  # a file descriptor
        return False


def _error(kind: type[OSError], code: int, path: object) -> OSError:
    return kind(code, os.strerror(code), os.fsdecode(path))


class _Filling:
    """A file on a disk with little room left: a write that does not fit fails (ENOSPC)."""

    def __init__(self, handle, room: list[int]) -> None:
        self._handle, self._room = handle, room

    def write(self, data) -> int:
        if len(data) > self._room[0]:
            raise _error(OSError, errno.ENOSPC, self._handle.name)
        self._room[0] -= len(data)
        return self._handle.write(data)

    def __getattr__(self, name: str):
        return getattr(self._handle, name)

    def __enter__(self) -> _Filling:
        return self

    def __exit__(self, *exc_info) -> None:
        self._handle.close()


@contextlib.contextmanager
def _opened_for_writing(folder: Path, wrap) -> Iterator[None]:
    """Every file that ``open`` opens for writing in ``folder`` goes through ``wrap``."""
    real_open = builtins.open

    def open_(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+")
        return wrap(handle) if writing and _inside(file, folder) else handle

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", open_)
        yield


def full_disk(report: Path, room: int = 2_000) -> contextlib.AbstractContextManager[None]:
    """The disk of ``report``'s folder has ``room`` bytes left."""
    left = [room]
    return _opened_for_writing(report.parent, lambda handle: _Filling(handle, left))


def full_device(report: Path) -> contextlib.AbstractContextManager[None]:
    """The disk of ``report``'s folder is full, as the OS has it: Python's buffer takes the
    bytes, then every flush fails, the one in ``close`` too, since the refused bytes are still
    buffered. Each file's descriptor is pointed at /dev/full, which refuses every write."""
    def on_full_device(handle):
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, handle.fileno())
        os.close(full)
        return handle

    return _opened_for_writing(report.parent, on_full_device)


@contextlib.contextmanager
def locked(report: Path) -> Iterator[None]:
    """``report`` is open in another program: replacing it fails as on Windows (EACCES)."""
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(os.fsdecode(dst)).resolve() == report.resolve():
            raise _error(PermissionError, errno.EACCES, dst)
        return real_replace(src, dst, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", replace)
        yield


@contextlib.contextmanager
def read_only(report: Path) -> Iterator[None]:
    """``report``'s folder is read-only. Root ignores permissions, so for root (and where
    permissions do not apply) creating a file there fails as it does for anyone else."""
    folder, real_open = report.parent, os.open

    def open_(path, flags, mode=0o777, *args, **kwargs):
        if flags & os.O_CREAT and _inside(path, folder):
            raise _error(PermissionError, errno.EACCES, path)
        return real_open(path, flags, mode, *args, **kwargs)

    folder.chmod(0o555)
    try:
        with pytest.MonkeyPatch.context() as patch:
            if not (hasattr(os, "geteuid") and os.geteuid() != 0):
                patch.setattr(os, "open", open_)
            yield
    finally:
        folder.chmod(0o755)


@contextlib.contextmanager
def no_room_for_folders(parent: Path) -> Iterator[None]:
    """The disk of ``parent`` is full: making a folder in it fails (ENOSPC)."""
    real_mkdir = os.mkdir

    def mkdir(path, *args, **kwargs):
        if _inside(path, parent):
            raise _error(OSError, errno.ENOSPC, path)
        return real_mkdir(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "mkdir", mkdir)
        yield


FAULTS = {  # name -> (fault, words the message must contain)
    "full disk": (full_disk, "the disk is full"),
    "file locked": (locked, "open in another program"),
    "read-only folder": (read_only, "read-only"),
}
ALL_FAULTS = {**FAULTS, "full disk, flushing": (full_device, "the disk is full")}
