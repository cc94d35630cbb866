"""The register's file held open, one caller at a time: SQLite's failures told as what
failed, and every write one transaction, refused up front where it cannot go."""

from __future__ import annotations

import contextlib
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


class RegisterFile:
    """The register file in ``folder``, open until :meth:`close` (see
    :class:`~malariascope.core.register.store.Register`, which reads and writes it)."""

    def __init__(self, folder: str | Path, view: bool = False) -> None:
        folder = Path(folder)
        self.path = folder / FILE_NAME
        #: why the register holds no case ("" when it may hold some): a view of one never
        #: written reads as a register without cases
        self.nothing_stored = nothing_stored(folder) if view else ""
        self._lock = threading.Lock()
        self._db = empty() if self.nothing_stored else connect(folder, view)
        self._db.create_function("casefold", 1, str.casefold, deterministic=True)
        self._archive = is_archive(self._db)  # only ever read (see :meth:`_writing`)

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
        with self._using(what), transaction(self._db):
            yield
