"""What a register file must be before anything is written to it.

A SQLite database as long as its header says, of MalariaScope and of no newer version, whose
case tables pass SQLite's integrity check. The check covers the case tables
(:data:`CHECKED_TABLES`, a few kilobytes a case) and not the cells (about a megabyte a case, a
minute's check for a year of a busy lab): a damaged page of cells is told as SQLite finds it,
when that case is read.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

from malariascope.core.atomic import why
from malariascope.core.errors import RegisterError
from malariascope.core.register.schema import APPLICATION_ID
from malariascope.core.register.version import file_version, refuse_newer, wal_not_empty

SQLITE_HEADER = b"SQLite format 3\x00"
CHECKED_TABLES = ("cases", "amendments", "reviews")


class Unusable(Exception):
    """What our own checks find wrong with a register file."""


def unwritten(path: Path) -> bool:
    """True when no register was ever written at ``path``: no file there, or an empty one (a
    ``touch``, or a file cut to nothing) with no writes in a WAL beside it, which SQLite
    would take for a new database."""
    try:
        return os.stat(path).st_size == 0 and not wal_not_empty(path)
    except FileNotFoundError:
        return True


def check_header(path: Path, wal: bool) -> None:
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
        raise Unusable("is not a SQLite database")
    refuse_newer(path, file_version(path, head, wal))
    page_size = struct.unpack_from(">H", head, 16)[0] or 1
    counter, pages = struct.unpack_from(">II", head, 24)
    expected = pages * (65536 if page_size == 1 else page_size)
    if not wal and counter == struct.unpack_from(">I", head, 92)[0] and size < expected:
        raise Unusable(f"is damaged (truncated to {size:,} of {expected:,} bytes)")


def check_contents(db: sqlite3.Connection, path: Path) -> None:
    """Schema version (again: a newer MalariaScope may have opened the register since its
    header was read), owner and integrity, before anything is written."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    refuse_newer(path, version)
    owner = db.execute("PRAGMA application_id").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if owner != APPLICATION_ID and (owner or tables):
        raise Unusable("is a database of another program, not of MalariaScope cases")
    if version == 0:
        return  # nothing in it yet
    for table in CHECKED_TABLES:
        problems = [row[0] for row in db.execute(f"PRAGMA integrity_check({table})")]
        if problems != ["ok"]:
            lines = [line for line in "\n".join(problems).splitlines() if "***" not in line]
            raise Unusable(f"is damaged (integrity check: {(lines or problems)[0]})")
