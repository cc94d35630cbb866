"""The register's SQLite file: opened checked and migrated, set aside if damaged, refused if newer.

WAL mode with full sync: a commit is on disk when it returns, and readers never wait for the
writer. Each step of the schema (:data:`~malariascope.core.register.schema.MIGRATIONS`) a
register lacks is run in its own transaction. A file that is not a register, is truncated,
or fails the integrity check of its case tables is moved aside whole (with its WAL) and
reported: it is never recreated or overwritten, and opening again starts a new register. One
written by a newer MalariaScope is refused before anything is written, and left where it is
(:mod:`~malariascope.core.register.version`).

The check at opening covers the case tables (:data:`CHECKED_TABLES`, a few kilobytes a case)
and not the cells (about a megabyte a case, a minute's check for a year of a busy lab): a
damaged page of cells is told as SQLite finds it, when that case is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

from malariascope.core.atomic import why
from malariascope.core.errors import (
    RegisterDamagedError,
    RegisterError,
    RegisterLockedError,
    RegisterReadOnlyError,
    RegisterWriteError,
)
from malariascope.core.register import schema
from malariascope.core.register.schema import APPLICATION_ID, oldest_read_as_is, schema_version
from malariascope.core.register.version import (
    COMPANIONS,
    file_version,
    refuse_newer,
    wal_not_empty,
)

FILE_NAME = "cases.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
#: SQLITE_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _PROTOCOL: the file, not the data
_PASSING_CODES = {5, 6, 8, 10, 13, 14, 15}
_LOCK_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds the file
CHECKED_TABLES = ("cases", "amendments", "reviews")


def connect(folder: Path, view: bool = False) -> sqlite3.Connection:
    """The register in ``folder`` (made if missing), checked and migrated; with ``view``, one
    this process cannot write (an archive) is opened read-only as it is (:func:`_read_only`).

    Raises :class:`RegisterDamagedError` after moving a damaged file aside;
    :class:`RegisterTooNewError` (a newer MalariaScope's register) and :class:`RegisterError`
    (the folder or file out of reach; :class:`RegisterWriteError` when only just now, as on a
    full disk) leave the file as it is.
    """
    path = folder / FILE_NAME
    if view and path.is_file() and not (os.access(path, os.W_OK) and
                                        os.access(folder, os.W_OK)):
        return _read_only(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegisterError(f"cannot create {folder}: "
                            f"{why(exc, fixed_place=True)}") from exc
    db = None
    try:
        _check_header(path, wal_not_empty(path))
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        _check(db, path)
        _configure(db)
        _migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        _close(db)
        if not _is_damage(exc):
            raise failure(exc)(f"cannot open the case register {path}: {exc}") from exc
        raise RegisterDamagedError(f"the case register {path} is damaged ({exc})",
                                   set_aside(path, "damaged")) from exc
    except _Unusable as exc:
        _close(db)
        raise RegisterDamagedError(f"the case register {path} {exc}",
                                   set_aside(path, "damaged")) from None
    except BaseException:
        _close(db)
        raise


def _read_only(path: Path) -> sqlite3.Connection:
    """The register at ``path``, which this process cannot write, opened read-only: checked,
    never migrated nor set aside (:class:`RegisterReadOnlyError` instead).

    SQLite reads a WAL register through the index of its WAL (``-shm``), which it makes
    beside the file when missing. Where it cannot, a register with nothing in its WAL is
    opened immutable (no index needed, nothing left unread); one whose WAL holds writes is
    refused, as immutable would leave those writes out.
    """
    params, wal = "mode=ro", wal_not_empty(path)
    if not os.access(path.parent, os.W_OK) and not os.path.exists(f"{path}-shm"):
        if wal:
            raise RegisterReadOnlyError(
                f"the case register {path} has its last writes in {path.name}-wal, which "
                f"cannot be read without making {path.name}-shm beside it, and its folder "
                "cannot be written: copy the folder somewhere it can be written, and open "
                "that copy")
        params += "&immutable=1"
    db = None
    try:
        _check_header(path, wal)
        db = sqlite3.connect(f"{path.absolute().as_uri()}?{params}", uri=True, timeout=5.0,
                             isolation_level=None, check_same_thread=False)
        _check(db, path)
        if db.execute("PRAGMA user_version").fetchone()[0] < oldest_read_as_is():
            raise _Unusable("was written by an older MalariaScope: copy its folder somewhere "
                            "it can be written, and open that copy to bring it up to date")
        return db
    except (sqlite3.DatabaseError, _Unusable) as exc:
        _close(db)
        words = str(exc) if isinstance(exc, _Unusable) else f"cannot be read ({exc})"
        raise RegisterReadOnlyError(f"the case register {path} {words}; it cannot be written "
                                    "and was left as it is") from exc
    except BaseException:
        _close(db)
        raise


class _Unusable(Exception):
    """What our own checks find wrong with a register file."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True when SQLite says the file is corrupt or not a database (not e.g. locked)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    words = str(exc).lower()  # Python 3.10 gives no result code
    return "malformed" in words or "not a database" in words


def failure(exc: sqlite3.Error) -> type[RegisterError]:
    """The kind of :class:`RegisterError` that tells ``exc``: the file held by another
    connection, the file out of use just now (the same statement may go through later), or
    neither."""
    return (RegisterLockedError if is_locked(exc) else
            RegisterWriteError if is_passing(exc) else RegisterError)


def is_passing(exc: sqlite3.Error) -> bool:
    """True when SQLite could not use the file just now (locked, full, read-only, an I/O
    error), so the same statement may succeed later."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _PASSING_CODES
    return isinstance(exc, sqlite3.OperationalError)  # Python 3.10 gives no result code


def is_locked(exc: sqlite3.Error) -> bool:
    """True when another connection held the file past the busy timeout."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _LOCK_CODES
    return "locked" in str(exc).lower()  # Python 3.10 gives no result code


def _check_header(path: Path, wal: bool) -> None:
    """A file there must start as a SQLite database and be as long as its header says (the
    file format's header: page size at byte 16, page count at 28, valid when the change
    counter at 24 equals the number at 92); not while a WAL file is non-empty, as a checkpoint
    (in another window, or cut short) writes the header before it grows the file. A register
    of a newer MalariaScope is refused first, whatever its length. ``wal``: whether the WAL
    holds writes, read once before the header, so the version and the length are judged on
    one answer, and a checkpoint ending after it (the WAL merged and removed) leaves a header
    read whole: one under way when the header is read had WAL pages when ``wal`` was read."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RegisterError(f"cannot read {path}: {why(exc, fixed_place=True)}") from exc
    if not head:
        return  # an empty file: SQLite's own state before the first write
    if len(head) < 100 or not head.startswith(SQLITE_HEADER):
        raise _Unusable("is not a SQLite database")
    refuse_newer(path, file_version(path, head, wal))
    page_size = struct.unpack_from(">H", head, 16)[0] or 1
    counter, pages = struct.unpack_from(">II", head, 24)
    expected = pages * (65536 if page_size == 1 else page_size)
    if not wal and counter == struct.unpack_from(">I", head, 92)[0] and size < expected:
        raise _Unusable(f"is damaged (truncated to {size:,} of {expected:,} bytes)")


def _check(db: sqlite3.Connection, path: Path) -> None:
    """Schema version (again: a newer MalariaScope may have opened the register since its
    header was read), owner and integrity, before anything is written."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    refuse_newer(path, version)
    owner = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if owner != APPLICATION_ID and (owner or tables):
        raise _Unusable("is a database of another program, not of MalariaScope cases")
    if version == 0:
        return  # nothing in it yet
    for table in CHECKED_TABLES:
        problems = [row[0] for row in db.execute(f"PRAGMA integrity_check({table})")]
        if problems != ["ok"]:
            lines = [line for line in "\n".join(problems).splitlines() if "***" not in line]
            raise _Unusable(f"is damaged (integrity check: {(lines or problems)[0]})")


def _configure(db: sqlite3.Connection) -> None:
    """WAL, full sync and foreign keys (the connection waits 5 s for a second window's write
    rather than fail: ``connect(timeout=)``)."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut, not only a crash
    db.execute("PRAGMA foreign_keys = ON")


def _migrate(db: sqlite3.Connection) -> None:
    """Run the missing steps, each with its version bump in one transaction, re-reading the
    version under the write lock; a current register takes no lock (readers never wait)."""
    while db.execute("PRAGMA user_version").fetchone()[0] < schema_version():
        with transaction(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version >= schema_version():
                return
            step = schema.MIGRATIONS[version]
            if callable(step):
                step(db)
            else:
                for statement in _statements(step):
                    db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {version + 1}")


def _statements(script: str) -> list[str]:
    """The statements of a migration step (``execute`` takes one at a time, in the open
    transaction, where ``executescript`` would commit it first)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


@contextlib.contextmanager
def snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: every statement of the block sees the register as it was at
    its first, whatever other connections write meanwhile."""
    db.execute("BEGIN")
    try:
        yield
    finally:
        if db.in_transaction:
            db.execute("COMMIT")


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: all of the block is committed, or none of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # also when COMMIT failed (a full disk)
            db.execute("ROLLBACK")
        raise


def set_aside(path: Path, why_kept: str) -> Path:
    """Move the register file and its WAL to a dated name beside it; returns the new name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}-{why_kept}-{stamp}-{uuid.uuid4().hex[:6]}{path.suffix}")
    try:
        for suffix in COMPANIONS:  # the WAL first: the main file is what a next open sees
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                os.replace(companion, f"{kept}{suffix}")
        os.replace(path, kept)
    except OSError as exc:
        raise RegisterError(f"the case register {path} cannot be used and cannot be moved "
                            f"aside: {why(exc, fixed_place=True)}") from exc
    return kept


def _close(db: sqlite3.Connection | None) -> None:
    if db is not None:
        db.close()
