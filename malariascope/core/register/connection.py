"""The register's file held open, one caller at a time: SQLite's failures told as what
failed, and every write one transaction, refused up front where it cannot go.

SQLite writes each commit into the register's WAL (``cases.sqlite-wal``), merging it into
the file later. A WAL deleted while the register is open (by a sync tool, or someone tidying
the folder) stays open to SQLite, which goes on writing into it, so a crash would lose every
write held there and programs opening the register later would read the file without them.
After each write the WAL and its index (``-shm``) are looked at: when either is gone or
replaced, what the WAL holds is merged into the file (a checkpoint reads the WAL still open)
and, on the same connection, WAL mode is left and entered again, which makes a new WAL
beside the file. SQLite refuses to leave WAL mode while another connection (another window,
a ``cases`` command) holds the register: all of them read and write through the WAL and
index they opened, so a new WAL for one alone would split their writes (the last merge
overwriting the others' pages) and leave the others reading old data. The deleted WAL then
stays in use, merged at each write and by the last connection to close, and the next write
tries again. :meth:`RegisterFile.news` says what was done, and each hindrance once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from malariascope.core.datadir import data_dir, named_data_dir
from malariascope.core.errors import RegisterWriteError
from malariascope.core.register.archived import is_archive
from malariascope.core.register.database import (
    FILE_NAME,
    connect,
    empty,
    failure,
    is_locked,
    nothing_stored,
    transaction,
)
from malariascope.core.register.version import COMPANIONS

#: the device and inode of the register's WAL and of its index (None: missing), by suffix
Companions = dict[str, tuple[int, int] | None]
_UNMERGED = ("its latest writes are not yet in the register file: they are tried again at "
             "each save")
#: what the register does while it cannot start a new WAL, and what would let it
_GOES_ON = ("the register goes on writing into the deleted WAL, merged into the register file "
            "at each save")
_SHARED = ("other MalariaScope windows or programs have the register open: close them "
           f"({_GOES_ON}, and starts a new WAL at the first save after)")
_IS = ("is", "are")

class RegisterFile:
    """The register file in ``folder``, open until :meth:`close` (see
    :class:`~malariascope.core.register.store.Register`, which reads and writes it)."""

    def __init__(self, folder: str | Path, view: bool = False) -> None:
        folder = Path(folder)
        if folder == data_dir():
            named_data_dir()  # a variable too long for any path is told by its name
        self.path = folder / FILE_NAME
        #: why the register holds no case ("" when it may hold some): a view of one never
        #: written reads as a register without cases
        self.nothing_stored = nothing_stored(folder) if view else ""
        self._lock = threading.Lock()
        self._news: list[str] = []  # appended by a write, taken by :meth:`news`
        self._told: set[str] = set()  # why a deleted WAL is still in use, once said
        self._db = empty() if self.nothing_stored else connect(folder, view)
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
        file, into the file, and start a new WAL beside it when this connection is the
        register's only one. The write that found it went through, and nothing here raises:
        what cannot be done now the next write tries again, each hindrance said once.
        ``gone``: the suffixes of the files deleted or replaced."""
        files = " and ".join(f"{self.path.name}{suffix}" for suffix in gone)
        deleted = f"{files} beside {self.path} disappeared while the register was open"
        try:
            hindrance = self._merge_and_restart()
        except sqlite3.Error:
            hindrance = _UNMERGED
        if hindrance:
            if hindrance not in self._told:
                self._news.append(f"{deleted}; {hindrance}")
            self._told.add(hindrance)
            return
        self._told.clear()
        self._news.append(f"{deleted}; every write in its WAL is now in the register file, "
                          "and a new WAL is beside it")

    def _merge_and_restart(self) -> str:
        """Checkpoint the WAL in use into the file, then leave WAL mode and enter it again
        (a new WAL), without waiting for other connections; what hindered it ("": done).
        SQLite refuses to leave WAL mode while another connection holds the register: they
        share the WAL in use, and a new one beside it would split their writes. Files of
        another's at the WAL's or index's name are left alone: leaving WAL mode deletes
        what is there."""
        db = self._db
        waits = db.execute("PRAGMA busy_timeout").fetchone()[0]
        db.execute("PRAGMA busy_timeout = 0")
        try:
            if db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                return _UNMERGED
            now = companions(self.path)
            foreign = [f"{self.path.name}{suffix}" for suffix, found in now.items()
                       if found is not None and found != self._companions[suffix]]
            if foreign:
                return (f"{' and '.join(foreign)} beside it {_IS[len(foreign) > 1]} now "
                        f"another program's, not what it uses: {_GOES_ON}; close other "
                        "MalariaScope windows or programs that have the register open")
            try:  # refused: "database is locked", or the mode in force as the answer
                left = db.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
            except sqlite3.OperationalError as exc:
                if not is_locked(exc):
                    raise
                left = False
            if not left:
                return _SHARED
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA user_version").fetchone()  # a read makes the WAL and index
            self._companions = companions(self.path)
            return ""
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(waits)}")


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
