"""The schema version of a register file, read without writing to it; a newer one refused.

A register written by a newer MalariaScope is left where it is, as it is, for that version to
open: nothing is moved, migrated or written. Its version is read from the file's header, and,
while its WAL holds writes the header may lack (the newer version stopped before merging
them), through a read-only connection: a read-write one merges the WAL into the file as it
closes (a checkpoint), and rolls back a journal a crash left. A read-only connection may
rebuild SQLite's index of the WAL (``-shm``), as any reader does; the file and its WAL are
left as they are.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

from malariascope.core.errors import RegisterTooNewError
from malariascope.core.register.schema import schema_version

COMPANIONS = ("-wal", "-shm")  # SQLite's files beside the database, which go with it
WAL_HEADER_BYTES = 32
USER_VERSION_AT = 60  # the file format's header: user_version, 4 bytes big-endian


def file_version(path: Path, head: bytes, wal: bool) -> int:
    """The schema version of the register at ``path``, whose first 100 bytes are ``head``;
    ``wal``: its WAL holds writes (:func:`wal_not_empty`), which the header may lack."""
    version = struct.unpack_from(">I", head, USER_VERSION_AT)[0]
    if version > schema_version() or not wal:
        return version
    db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def refuse_newer(path: Path, version: int) -> None:
    """Raise :class:`RegisterTooNewError` when ``version``, the schema of the register at
    ``path``, is newer than this MalariaScope's, saying what to do with the file."""
    if version <= schema_version():
        return
    beside = [f"{path.name}{suffix}" for suffix in COMPANIONS
              if os.path.exists(f"{path}{suffix}")]
    files = f"{path} (with {' and '.join(beside)} beside it)" if beside else str(path)
    raise RegisterTooNewError(
        f"the case register {path} was written by a newer MalariaScope (schema version "
        f"{version}; this version's is {schema_version()}) and was left as it is: open it "
        f"with that newer version, or, to start a new register with this one, move {files} "
        "to another folder yourself")


def wal_not_empty(path: Path) -> bool:
    """True when the WAL file beside ``path`` is longer than its header."""
    try:
        return os.stat(f"{path}-wal").st_size > WAL_HEADER_BYTES
    except OSError:  # none, or out of reach: SQLite says so as it opens the register
        return False
