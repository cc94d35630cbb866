"""Cases copied out of a damaged register file (one set aside as it opened) into the
register: each case whole or not at all, the damaged file only ever read.

SQLite reads what it can reach of a damaged file, and a case is read by its own row's id,
its other rows by that id through their indexes: a damaged page loses the cases with rows on
it and no others. Each case is first staged in memory at the file's schema version, brought
up to this one as opening a register would, checked (every cell its row counts, every
amendment by number) and read back as a window reads it; only then is it copied, in one
transaction. A case the register holds (the same uid) is left as the register has it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from malariascope.core.atomic import why
from malariascope.core.errors import RegisterError, RegisterUnreadableError
from malariascope.core.register import records
from malariascope.core.register.checks import SQLITE_HEADER
from malariascope.core.register.database import (
    FILE_NAME,
    connect,
    failure,
    migrate,
    transaction,
)
from malariascope.core.register.schema import APPLICATION_ID, NEXT_CHANGE
from malariascope.core.register.stored import read_case
from malariascope.core.register.version import refuse_newer, wal_not_empty
from malariascope.core.words import counted

#: A case's rows beyond its own, by its id; its work row is staged (older schemas' steps take
#: what a window was doing from it) but never copied: no window works on a case recovered.
CASE_TABLES = ("amendments", "withdrawals", "cells", "reviews", "pictures", "work")
COPIED_TABLES = CASE_TABLES[:-1]


@dataclass
class Recovery:
    """What a recovery did with each case the damaged file holds."""

    recovered: list[str] = field(default_factory=list)  # uids, copied whole
    #: the slide id and uid of each case with a row that cannot be read ("record N" when
    #: neither its own row nor the uids' index can: N its number in the file)
    unreadable: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # uids the register holds already


def recover(folder: Path, damaged: Path) -> Recovery:
    """Copy every case that can be read whole from the register file ``damaged`` into the
    register in ``folder``, ``damaged`` opened read-only and never changed.

    :class:`RegisterUnreadableError` when no case of it can be read;
    :class:`~malariascope.core.errors.RegisterTooNewError` for a newer MalariaScope's;
    :class:`RegisterError` when ``damaged`` is the register itself, or the register cannot
    be opened or written.
    """
    if damaged.resolve() == (folder / FILE_NAME).resolve():
        raise RegisterError(f"{damaged} is the case register itself: name a register file "
                            "set aside, as cases-damaged-….sqlite")
    source, version, case_ids = _open_damaged(damaged)
    with contextlib.closing(source), contextlib.closing(connect(folder)) as register:
        recovery, (names, all_named) = Recovery(), _indexed_names(source)
        try:
            for case_id in case_ids:
                try:
                    found = source.execute("SELECT uid, sample_id FROM cases WHERE id = ?",
                                           (case_id,)).fetchone()
                except sqlite3.DatabaseError:
                    if case_id in names or not all_named:  # else no case had that id
                        recovery.unreadable.append(names.get(case_id, f"record {case_id}"))
                    continue
                if found is not None:  # else a case discarded
                    _recover_case(source, version, case_id, tuple(map(str, found)),
                                  register, recovery)
        except sqlite3.Error as exc:  # the register's: the damaged file's are caught above
            raise failure(exc)(f"cannot copy the cases into {folder / FILE_NAME} ({exc}); "
                               f"{counted(len(recovery.recovered), 'case')} recovered "
                               "before") from exc
        return recovery


def _recover_case(source: sqlite3.Connection, version: int, case_id: int,
                  uid_and_slide: tuple[str, ...], register: sqlite3.Connection,
                  recovery: Recovery) -> None:
    """Copy case ``case_id`` of ``source`` (of schema ``version``) into ``register`` when
    it is read whole and the register lacks it; noted in ``recovery``."""
    uid, sample_id = uid_and_slide
    if register.execute("SELECT 1 FROM cases WHERE uid = ?", (uid,)).fetchone():
        recovery.present.append(uid)
        return
    try:
        stage = _staged(source, version, case_id)
    except (sqlite3.DatabaseError, *records.UNREADABLE):
        recovery.unreadable.append(_name(uid, sample_id))
        return
    with contextlib.closing(stage):
        copied = _copy(stage, register, uid)
    (recovery.recovered if copied else recovery.present).append(uid)


def _open_damaged(path: Path) -> tuple[sqlite3.Connection, int, list[int]]:
    """The register file at ``path`` opened read-only, its schema version and its cases' ids
    (:func:`_case_ids`). A file with no writes in a WAL beside it is opened immutable,
    nothing made beside it; one with writes there is read with them, SQLite making the WAL's
    index (``-shm``) beside it when it is missing, the file and its WAL unchanged."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
        wal = wal_not_empty(path)
    except OSError as exc:
        raise RegisterError(f"cannot read {path}: {why(exc)}") from exc
    if head != SQLITE_HEADER:
        raise RegisterUnreadableError(f"{path} is not a SQLite database: no case can be read "
                                      "from it")
    params = "mode=ro" if wal else "mode=ro&immutable=1"
    db = sqlite3.connect(f"{path.absolute().as_uri()}?{params}", uri=True,
                         isolation_level=None)
    try:
        db.execute("PRAGMA writable_schema = ON")  # reads a truncated file's pages up to its end
        version, owner = (db.execute(f"PRAGMA {name}").fetchone()[0]
                          for name in ("user_version", "application_id"))
        refuse_newer(path, version)
        if owner != APPLICATION_ID:
            raise RegisterUnreadableError(f"{path} is not a register of MalariaScope cases")
        case_ids = _case_ids(db)
        if case_ids is None:
            raise sqlite3.DatabaseError("no case's id can be read")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise RegisterUnreadableError(f"the list of cases in {path} cannot be read ({exc}): "
                                      "no case can be read from it") from exc
    except BaseException:
        db.close()
        raise
    return db, version, case_ids


#: Where the cases' ids are read, in turn until one reads them all: the index of the list's
#: order (the first changed first, so the register lists those recovered in their order),
#: the uids' index, and the cases' rows themselves.
ID_READS = ("SELECT id FROM cases INDEXED BY cases_order ORDER BY changed",
            "SELECT id FROM cases INDEXED BY sqlite_autoindex_cases_1 ORDER BY id",
            "SELECT id FROM cases ORDER BY id")


def _case_ids(source: sqlite3.Connection) -> list[int] | None:
    """The ids of the cases, as many as can be read (:data:`ID_READS`), in the order first
    found: a damaged page stops a read where it lies, and what it read before is kept. None
    when no read finds any."""
    found: dict[int, None] = {}
    for query in ID_READS:
        rows, whole = _read_until_damage(source, query)
        found.update(dict.fromkeys(case_id for (case_id,) in rows))
        if whole:
            return list(found)
    return list(found) or None


def _indexed_names(source: sqlite3.Connection) -> tuple[dict[int, str], bool]:
    """The name (:func:`_name`) of each case by its id, as the indexes of the uids and the
    slide ids give them, apart from the cases' rows, and whether the uids' index was read
    whole (all the cases named)."""
    slides = dict(_read_until_damage(source, "SELECT id, sample_id FROM cases INDEXED BY "
                                             "cases_sample")[0])
    uids, whole = _read_until_damage(source, "SELECT id, uid FROM cases INDEXED BY "
                                             "sqlite_autoindex_cases_1")
    return {case_id: _name(str(uid), str(slides.get(case_id, "")))
            for case_id, uid in uids}, whole


def _read_until_damage(source: sqlite3.Connection, query: str) -> tuple[list[tuple], bool]:
    """The rows ``query`` reads before a damaged page stops it, and whether it read all."""
    rows = []
    try:
        for row in source.execute(query):
            rows.append(row)
    except sqlite3.DatabaseError:
        return rows, False
    return rows, True


def _name(uid: str, sample_id: str) -> str:
    """A case as a recovery names it: its slide id, if any, and the start of its uid."""
    return f"{sample_id} ({uid[:8]})" if sample_id else uid[:8]


def _staged(source: sqlite3.Connection, version: int, case_id: int) -> sqlite3.Connection:
    """A register in memory holding only case ``case_id`` of ``source`` (of schema
    ``version``), brought up to this schema and read back whole: ``sqlite3.DatabaseError``
    when a row of it cannot be read, ``records.UNREADABLE`` when a value, a cell or an
    amendment is missing or cannot be read back."""
    stage = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(stage, version)
        tables = {name for (name,) in stage.execute("SELECT name FROM sqlite_master")}
        for table in ("cases", *CASE_TABLES):
            if table in tables:  # a table of a later schema step is made empty by it
                key = "id" if table == "cases" else "case_id"
                rows = source.execute(f"SELECT * FROM {table} WHERE {key} = ?", (case_id,))
                columns = [column[0] for column in rows.description]
                stage.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                  f"({', '.join('?' * len(columns))})", rows.fetchall())
        migrate(stage)
        _check_whole(stage)
        read_case(stage, case_id)
        return stage
    except BaseException:
        stage.close()
        raise


def _check_whole(stage: sqlite3.Connection) -> None:
    """ValueError unless the staged case holds every cell its row counts (rows 0 to n - 1)
    and its amendments numbered 1 to n: rows an index of the file no longer reaches."""
    cells, *ends = stage.execute("SELECT count(*), min(row), max(row) FROM cells").fetchone()
    counted = stage.execute("SELECT rows FROM cases").fetchone()[0]
    if cells != counted or cells and ends != [0, cells - 1]:
        raise ValueError(f"{cells:,} of its {counted:,} cells read")
    amended, *ends = stage.execute("SELECT count(*), min(number), max(number) "
                                   "FROM amendments").fetchone()
    if amended and ends != [1, amended]:
        raise ValueError("an amendment missing")


def _copy(stage: sqlite3.Connection, register: sqlite3.Connection, uid: str) -> bool:
    """Copy the case staged into ``register``, numbered as its latest change, in one
    transaction; False, nothing copied, when the register holds a case of ``uid`` (saved
    since it was looked for)."""
    with transaction(register):
        if register.execute("SELECT 1 FROM cases WHERE uid = ?", (uid,)).fetchone():
            return False
        columns, rows = _rows(stage, "cases", {"id", "changed"})
        case_id = register.execute(
            f"INSERT INTO cases ({', '.join(columns)}, changed) VALUES "
            f"({', '.join('?' * len(columns))}, {NEXT_CHANGE})", rows[0]).lastrowid
        for table in COPIED_TABLES:
            columns, rows = _rows(stage, table, {"id", "case_id"})
            register.executemany(f"INSERT INTO {table} (case_id, {', '.join(columns)}) VALUES "
                                 f"(?, {', '.join('?' * len(columns))})",
                                 [(case_id, *row) for row in rows])
    return True


def _rows(stage: sqlite3.Connection, table: str, left_out: set[str]) -> tuple[list[str], list]:
    """The columns of ``table`` but those ``left_out`` (ids the register gives anew), and
    its rows in the order they were written (reviews' order is the order decided)."""
    columns = [name for (_, name, *_) in stage.execute(f"PRAGMA table_info({table})")
               if name not in left_out]
    return columns, stage.execute(f"SELECT {', '.join(columns)} FROM {table} "
                                  "ORDER BY rowid").fetchall()
