"""The register's file held open, one caller at a time: SQLite's failures told as what
failed, and every write one transaction, refused up front where it cannot go.

SQLite writes each commit into the register's WAL (``cases.sqlite-wal``), merging it into
the file later. A WAL deleted while the register is open (by a sync tool, or someone tidying
the folder) stays open to SQLite, which goes on writing into it, so a crash would lose every
write held there and other programs would read the file without them. After each write the
WAL and its index (``-shm``) are looked at: when either is gone or replaced, what the WAL
holds is merged into the file (a checkpoint reads the WAL still open) and the register is
opened again, which makes a new WAL beside it; :meth:`RegisterFile.news` says so once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from malariascope.core.errors import RegisterWriteError
from malariascope.core.register.archived import is_archive
from malariascope.core.register.database import (
    FILE_NAME,
    connect,
    empty,
    failure,
    nothing_stored,
    transaction,
)
from malariascope.core.register.version import COMPANIONS

#: the device and inode of the register's WAL and of its index (None: missing), by suffix
Companions = dict[str, tuple[int, int] | None]


class RegisterFile:
    """The register file in ``folder``, open until :meth:`close` (see
    :class:`~malariascope.core.register.store.Register`, which reads and writes it)."""

    def __init__(self, folder: str | Path, view: bool = False) -> None:
        folder = Path(folder)
        self.path, self._view = folder / FILE_NAME, view
        #: why the register holds no case ("" when it may hold some): a view of one never
        #: written reads as a register without cases
        self.nothing_stored = nothing_stored(folder) if view else ""
        self._lock = threading.Lock()
        self._news: list[str] = []  # appended by a write, taken by :meth:`news`
        self._unmerged = False  # a deleted WAL's writes are not yet in the file: told
        self._open()

    def _open(self) -> None:
        self._db = empty() if self.nothing_stored else connect(self.path.parent, self._view)
        self._db.create_function("casefold", 1, str.casefold, deterministic=True)
        self._archive = is_archive(self._db)  # only ever read (see :meth:`_writing`)
        self._companions = companions(self.path)  # as the connection opened them

    def news(self) -> str:
        """What the register did of itself since last asked ("" when nothing): each thing
        said once. Asked from any thread, without waiting for a write."""
        said = []
        while self._news:
            said.append(self._news.pop(0))
        return " ".join(said)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _using(self, what: str) -> Iterator[sqlite3.Connection]:
        """The connection, one caller at a time; SQLite's failures told as what failed."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise failure(exc)(f"cannot {what} in {self.path}: {exc}") from exc

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """One write transaction (see :meth:`_using`); refused before SQLite is asked, with
        :class:`RegisterWriteError`, for an archive of an older MalariaScope: its case
        tables are this version's stand-ins, which cannot be written."""
        if self._archive:
            raise RegisterWriteError(
                f"cannot {what} in {self.path}: it is an archive of an older MalariaScope, "
                "opened read-only; copy its folder somewhere it can be written, and open that "
                "copy to bring it up to date")
        with self._using(what):
            with transaction(self._db):
                yield
            gone = replaced(self._companions, companions(self.path))
            if gone:
                self._keep_wal_writes(gone)

    def _keep_wal_writes(self, gone: list[str]) -> None:
        """Merge the writes of the WAL SQLite holds open, deleted or replaced beside the
        file, into the file, and open the register again with a new WAL. The write that
        found it went through: when SQLite cannot merge them now (another connection reads
        them, a full disk), the next write tries again. ``gone``: the suffixes of the files
        deleted or replaced."""
        files = " and ".join(f"{self.path.name}{suffix}" for suffix in gone)
        deleted = f"{files} beside {self.path} disappeared while the register was open"
        try:
            merged = not self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error:
            merged = False
        if not merged:
            if not self._unmerged:
                self._news.append(f"{deleted}; its latest writes are not yet in the register "
                                  "file: they are tried again at each save")
            self._unmerged = True
            return
        self._db.close()
        self._open()
        self._unmerged = False
        self._news.append(f"{deleted}; every write in its WAL is now in the register file")


def companions(path: Path) -> Companions:
    """The device and inode of the WAL and of its index beside the register at ``path``."""
    found: Companions = {}
    for suffix in COMPANIONS:
        try:
            stat = os.stat(f"{path}{suffix}")
            found[suffix] = (stat.st_dev, stat.st_ino)
        except OSError:  # missing, or out of reach
            found[suffix] = None
    return found


def replaced(opened: Companions, now: Companions) -> list[str]:
    """The suffixes of the WAL or index there as the register opened and gone or another
    file now."""
    return [suffix for suffix, was in opened.items() if was is not None and now[suffix] != was]
