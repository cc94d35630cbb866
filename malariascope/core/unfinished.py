"""Exports in progress, each recorded in the app's data folder while it writes, so that the
next start can tell one its window never finished (killed, or the power cut) and remove the
temporary and lock files it left beside its target.

A record names the targets, what was at each when the export began, when it began, the
process writing it (pid and host) and whether a window or a command runs in it. One whose
process is gone from this host is unfinished; another host's, or a running process's, is
left alone. Standard library only.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import uuid
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.atomic import NAME_KEPT, write_bytes_atomic
from malariascope.core.clock import local_time, utc_now
from malariascope.core.datadir import data_dir
from malariascope.core.lockfile import TargetLock, held, locks_held

FOLDER = "exports"  # in the data folder: one record per export in progress
_RANDOM_END, _END = r"[a-z0-9_]{8}\.tmp", 12  # how a temporary file's name ends (mkstemp's)
#: the records this process writes now: its own pid on a record not among them is an
#: earlier run's, which had the same pid before a restart
_MINE: set[str] = set()
WINDOW, COMMAND = "window", "command"  # what writes an export (see ``written_by``)
_ENDED = {WINDOW: "the window closed", COMMAND: "the malariascope command ended"}
_WRITER: ContextVar[str] = ContextVar("export_writer", default=WINDOW)


@dataclass(frozen=True)
class Unfinished:
    """An export its window (or command) never finished, as found at the next start."""

    targets: tuple[Path, ...]
    started: str  # utc_now() as it began
    kept: tuple[bool | None, ...]  # per target: the earlier file kept, a new one, or none
    by: str = WINDOW  # or COMMAND

    def words(self) -> str:
        """What the technician is told: the export, when, and what is true of each target."""
        ended = _ENDED.get(self.by, _ENDED[WINDOW])
        said = [f"The export to {self.targets[0]} started at {local_time(self.started)} did "
                f"not finish: {ended} while it was being written."]
        for target, kept in zip(self.targets, self.kept, strict=True):
            said.append(f"{target.name} was not written." if kept is None
                        else f"The earlier {target.name} is kept as it was." if kept
                        else f"{target.name} was written before {ended}.")
        return " ".join(said)


@contextlib.contextmanager
def written_by(writer: str) -> Iterator[None]:
    """The exports of the block (in this thread) recorded as ``writer``'s, WINDOW or
    COMMAND: the next start says which ended before its export did."""
    token = _WRITER.set(writer)
    try:
        yield
    finally:
        _WRITER.reset(token)


@contextlib.contextmanager
def exporting(*targets: Path) -> Iterator[None]:
    """The block :func:`recorded` as an export to ``targets`` and holding their locks
    (``lockfile.locks_held``): another writer of any is refused (ReportBusyError)."""
    with recorded(*targets), locks_held(*targets):
        yield


@contextlib.contextmanager
def recorded(*targets: Path) -> Iterator[None]:
    """Record an export to ``targets`` in progress for the block (see the module). Where no
    record can be written (the data folder not made yet, or read-only) the export goes on
    without one: it matters more than its record."""
    record = _write_record(data_dir() / FOLDER, targets)
    try:
        yield
    finally:
        if record is not None:
            with contextlib.suppress(OSError):
                record.unlink()
            _MINE.discard(record.name)  # only once it is gone: a look meanwhile leaves it


def _write_record(folder: Path, targets: Sequence[Path]) -> Path | None:
    record = folder / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.json"
    data = {"targets": [[_real(target), _state(target)] for target in targets],
            "started": utc_now(), "pid": os.getpid(), "host": platform.node(),
            "by": _WRITER.get()}
    try:
        folder.mkdir(exist_ok=True)  # not its parent: the data folder is autosave's to make
        _MINE.add(record.name)
        write_bytes_atomic(record, json.dumps(data).encode("utf-8"), overwrite=False)
    except OSError:
        _MINE.discard(record.name)
        return None
    return record


def _real(target: Path) -> str:
    """``target`` in the folder the system writes it to, its links and ".." followed (not
    cut off as ``abspath`` cuts them), under its own name: the name its temporary and lock
    files are named after."""
    return os.path.join(os.path.realpath(target.parent), target.name)


def _state(target: Path) -> list[int] | None:
    """What tells the file at ``target`` from another put there later (None: no file)."""
    try:
        stat = os.stat(target)
    except OSError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def clear_unfinished() -> list[Unfinished]:
    """The exports of this host's processes that are gone, each once: their leftover files
    beside the targets removed, then their records. One whose every target was put in place
    finished all but removing its record, and is not told."""
    folder = data_dir() / FOLDER
    try:
        records = sorted(folder.glob("*.json"))
    except OSError:
        return []
    found = []
    for record in records:
        try:
            data = json.loads(record.read_bytes())
            targets = [(Path(path), state) for path, state in data["targets"]]
            gone = (data["host"] == platform.node() and record.name not in _MINE
                    and not _running(int(data["pid"])))
            started, by = str(data["started"]), str(data.get("by", WINDOW))
        except (OSError, ValueError, TypeError, KeyError):
            continue  # not a record of ours, or being written: left alone
        if not gone:
            continue
        kept = tuple(_kept(target, state) for target, state in targets)
        for target, _ in targets:
            remove_leftovers(target)
        try:
            record.unlink()
        except OSError:  # another window tells it, or (Windows) reads it now to tell it:
            continue  # that window or the next start does, once it can be removed
        if not all(written is False for written in kept):  # all put in place: it finished
            found.append(Unfinished(tuple(target for target, _ in targets), started, kept,
                                    by))
    return found


def _kept(target: Path, before: list[int] | None) -> bool | None:
    """The earlier file at ``target`` kept (True), a new one there (False), or none (None)."""
    now = _state(target)
    return None if now is None else now == before


def remove_leftovers(target: Path) -> None:
    """Remove the temporary files of ``target`` (as ``atomic.temp_beside`` names them) and its
    lock file, unless another writer holds its lock now, or that of a name alike in its first
    NAME_KEPT characters; never the target, nor a kept-aside old file."""
    lock = TargetLock(target)
    try:
        if not lock.acquire():
            return
    except OSError:  # the folder is gone, or read-only: nothing can be removed there
        return
    try:
        prefix = re.escape(f".{target.name[:NAME_KEPT]}.")
        temporary = re.compile(prefix + _RANDOM_END)
        other_lock = re.compile(prefix + r"[0-9a-f]{12}\.lock")
        files: list[os.DirEntry[str]] = []
        with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
            files = [entry for entry in entries if entry.is_file(follow_symlinks=False)]
        # names alike in their first NAME_KEPT characters give alike temporary files: while
        # another of them is written, none of those files is known to be this target's
        if any(other_lock.fullmatch(entry.name) and entry.name != lock.path.name
               and held(Path(entry.path)) for entry in files):
            return
        leftovers = [entry for entry in files if temporary.fullmatch(entry.name)]
        # rows marked incomplete (``report.mark_rows_incomplete``) are written again to a
        # temporary file of the report's own, named after it as it is after its target
        marking = {f".{entry.name[:NAME_KEPT]}." for entry in leftovers}
        leftovers += [entry for entry in files if entry.name[:-_END] in marking
                      and re.fullmatch(_RANDOM_END, entry.name[-_END:])]
        for entry in leftovers:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    finally:
        lock.release()  # and its file with it


def _running(pid: int) -> bool:
    """True while process ``pid`` runs on this host (or may: it cannot be asked)."""
    if pid == os.getpid():
        return False  # a record's own pid is an earlier run's: this one wrote no such record
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # the error kept per call
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it runs, another's
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0 only asks whether it is there
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True
