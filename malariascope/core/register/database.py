"""The register's SQLite file: opened checked and migrated, set aside if damaged, refused if newer.

WAL mode with full sync: a commit is on disk when it returns, and readers never wait for the
writer. Each step of the schema (:data:`~malariascope.core.register.schema.MIGRATIONS`) a
register lacks is run in its own transaction. A file that is not a register, is truncated,
or fails the integrity check of its case tables is moved aside whole (with its WAL) and
reported, with the command that copies the cases it still holds whole into the new register
(:mod:`~malariascope.core.register.recover`): it is never recreated or overwritten, and
opening again starts a new register. One
written by a newer MalariaScope is refused before anything is written, and left where it is
(:mod:`~malariascope.core.register.version`).

What the file must be before anything is written is checked by
:mod:`~malariascope.core.register.checks`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
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
from malariascope.core.register.archived import stand_in
from malariascope.core.register.checks import Unusable, check_contents, check_header, unwritten
from malariascope.core.register.schema import APPLICATION_ID, oldest_read_as_is, schema_version
from malariascope.core.register.version import COMPANIONS, wal_not_empty

FILE_NAME = "cases.sqlite"
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
#: SQLITE_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _PROTOCOL: the file, not the data
_PASSING_CODES = {5, 6, 8, 10, 13, 14, 15}
_LOCK_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds the file
_DISK_CODES = {8, 10, 13}  # SQLITE_READONLY, _IOERR, _FULL: the disk refused a write


def connect(folder: Path, view: bool = False) -> sqlite3.Connection:
    """The register in ``folder`` (made if missing), checked and migrated. With ``view``, one
    this process cannot write (an archive, or one on a full disk) is opened read-only as it
    is (:func:`_read_only`).

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
        check_header(path, wal_not_empty(path))
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        check_contents(db, path)
        _configure(db)
        migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        _close(db)
        if view and _is_disk_refusal(exc):
            return _read_only(path, refused=exc)
        if not _is_damage(exc):
            raise failure(exc)(f"cannot open the case register {path}: {exc}") from exc
        raise _damaged(f"the case register {path} is damaged ({exc})", path) from exc
    except Unusable as exc:
        _close(db)
        raise _damaged(f"the case register {path} {exc}", path) from None
    except BaseException:
        _close(db)
        raise


def _read_only(path: Path, refused: sqlite3.Error | None = None) -> sqlite3.Connection:
    """The register at ``path``, which this process cannot write, opened read-only: checked,
    never migrated nor set aside (:class:`RegisterReadOnlyError` instead). ``refused``: the
    error of a read-write open of it the disk just refused (full, or failing).

    SQLite reads a WAL register through the index of its WAL (``-shm``), which it makes
    beside the file when missing. Where it cannot (a folder that cannot be written, a disk
    that refused), a register with nothing in its WAL is opened immutable (no index needed,
    nothing left unread); one whose WAL holds writes is refused, as immutable would leave
    those writes out.
    """
    params, wal = "mode=ro", wal_not_empty(path)
    blocked = (f"the disk refused it ({refused})" if refused is not None else
               "its folder cannot be written" if not os.access(path.parent, os.W_OK)
               and not os.path.exists(f"{path}-shm") else "")
    if blocked:
        if wal:
            raise RegisterReadOnlyError(
                f"the case register {path} has its last writes in {path.name}-wal, which "
                f"cannot be read without making {path.name}-shm beside it, and {blocked}: "
                "copy the folder somewhere it can be written, and open that copy")
        params += "&immutable=1"
    db = None
    try:
        check_header(path, wal)
        db = sqlite3.connect(f"{path.absolute().as_uri()}?{params}", uri=True, timeout=5.0,
                             isolation_level=None, check_same_thread=False)
        check_contents(db, path)
        if db.execute("PRAGMA user_version").fetchone()[0] < oldest_read_as_is():
            raise Unusable("was written by an older MalariaScope: copy its folder somewhere "
                           "it can be written, and open that copy to bring it up to date")
        stand_in(db)
        return db
    except (sqlite3.DatabaseError, Unusable) as exc:
        _close(db)
        words = str(exc) if isinstance(exc, Unusable) else f"cannot be read ({exc})"
        raise RegisterReadOnlyError(f"the case register {path} {words}; it cannot be written "
                                    "and was left as it is") from exc
    except BaseException:
        _close(db)
        raise


def empty() -> sqlite3.Connection:
    """A register without cases, in memory and read-only: what a view of a register never
    written reads (:func:`nothing_stored`), nothing made or written where it would be."""
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(db)
    db.execute("PRAGMA query_only = ON")
    return db


def nothing_stored(folder: Path) -> str:
    """Why the register in ``folder`` holds no case, told without opening it ("" when it may
    hold some): there is none, or its file was never written (:func:`~.checks.unwritten`)."""
    path = folder / FILE_NAME
    if not unwritten(path):
        return ""
    return f"the case register {path} is empty" if path.exists() else \
        f"no case register in {folder} yet"


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


def _is_disk_refusal(exc: sqlite3.Error) -> bool:
    """True when the disk refused SQLite a write (full, failing, read-only); not a lock, nor
    a race between connections, which a read-only open would not make safe."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DISK_CODES
    words = str(exc).lower()  # Python 3.10 gives no result code
    return any(part in words for part in ("disk i/o", "disk is full", "readonly"))


def is_locked(exc: sqlite3.Error) -> bool:
    """True when another connection held the file past the busy timeout."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _LOCK_CODES
    return "locked" in str(exc).lower()  # Python 3.10 gives no result code


def _configure(db: sqlite3.Connection) -> None:
    """WAL, full sync and foreign keys (the connection waits 5 s for a second window's write
    rather than fail: ``connect(timeout=)``)."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut, not only a crash
    db.execute("PRAGMA foreign_keys = ON")


def migrate(db: sqlite3.Connection, to: int | None = None) -> None:
    """Run the missing steps up to schema ``to`` (None: this version's), each with its
    version bump in one transaction, re-reading the version under the write lock; a current
    register takes no lock (readers never wait)."""
    target = schema_version() if to is None else to
    while db.execute("PRAGMA user_version").fetchone()[0] < target:
        with transaction(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version >= target:
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


def _damaged(message: str, path: Path) -> RegisterDamagedError:
    """The damaged register at ``path`` set aside, told with ``message`` and with the
    command that copies the cases it can still read into the new register."""
    kept = set_aside(path, "damaged")
    return RegisterDamagedError(message, kept, f'; `malariascope cases recover "{kept}"` '
                                "copies the cases it can still read into the new register")


def _close(db: sqlite3.Connection | None) -> None:
    if db is not None:
        db.close()
