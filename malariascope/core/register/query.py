"""Finding cases in the register: by patient, slide, date, result, reviewer, status."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.case import CaseFacts, Signature, Withdrawal, iso_day
from malariascope.core.errors import CaseError, CaseGoneError
from malariascope.core.leftout import LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.register import records
from malariascope.core.register.stored import TWIN
from malariascope.core.signing import amended_words
from malariascope.core.thresholds import known_thresholds

STATUSES = ("", "open", "signed")


@dataclass(frozen=True)
class CaseQuery:
    """Which cases to list or export; every condition given must hold, text ones match any
    part in any letter case.

    ``reviewer`` matches the signer, the operator, or anyone who reviewed a cell. Dates are
    ISO (YYYY-MM-DD), inclusive, and match the collection date, else the day the case was
    opened. ``positive`` selects cases with (True) or without (False) a cell finally called
    parasitized; ``uids`` a selection made in a list.
    """

    patient: str = ""
    sample: str = ""
    reviewer: str = ""
    date_from: str = ""
    date_to: str = ""
    positive: bool | None = None
    status: str = ""
    uids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            if value := getattr(self, name):  # compared as text with the stored YYYY-MM-DD
                object.__setattr__(self, name, iso_day(value).isoformat())
        if self.status not in STATUSES:
            raise CaseError(f"status must be open or signed, not {self.status!r}")

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition on ``cases`` and its parameters."""
        terms: list[str] = ["1"]
        values: list[object] = []
        for column, text in (("patient_id", self.patient), ("sample_id", self.sample)):
            if text:
                terms.append(f"instr(casefold({column}), ?)")
                values.append(text.casefold())
        if self.reviewer:
            terms.append("(instr(casefold(signed_by), ?) OR instr(casefold(operator), ?) OR "
                         "EXISTS (SELECT 1 FROM reviews WHERE reviews.case_id = cases.id AND "
                         "instr(casefold(reviews.reviewer), ?)))")
            values += [self.reviewer.casefold()] * 3
        for sign, date in ((">=", self.date_from), ("<=", self.date_to)):
            if date:
                terms.append(f"case_date {sign} ?")
                values.append(date)
        if self.positive is not None:
            terms.append("parasitized > 0" if self.positive else "parasitized = 0")
        if self.status:
            terms.append("status = ?")
            values.append(self.status)
        if self.uids:
            terms.append(f"uid IN ({', '.join('?' * len(self.uids))})")
            values += self.uids
        return " AND ".join(terms), values


@dataclass(frozen=True)
class AmendmentNote:
    """Who amended a case, when (UTC, ISO) and why: an amendment as the register's lists and
    its export tell it."""

    at: str
    by: str
    reason: str


@dataclass(frozen=True)
class CaseSummary:
    """One line of the register's list, and one row of its CSV export."""

    uid: str
    status: str
    created_at: str
    updated_at: str
    facts: CaseFacts
    result: CaseResult | None
    signature: Signature | None
    amended: tuple[AmendmentNote, ...]  # the case's amendments, the first first
    model: str
    model_sha256: str
    #: the results stored: a row per cell (an image's or one found in a field) and per file
    #: without a call, those a later screening of the file superseded included
    rows: int
    date: str = ""  # what date searches match: the collection date, else the day opened
    #: False when the case's screening stopped short of the images it was opened with;
    #: None when the register does not know (a case saved before it kept this)
    screening_complete: bool | None = None
    copies: LeftOut | None = None  # files left out as copies of others; None: not recorded
    withdrawn: tuple[Withdrawal, ...] = ()  # amendments withdrawn unchanged, the first first
    twin: int = 0  # cases opened before it that its name would name too (see ``Case.twin``)

    @property
    def amendments(self) -> int:
        return len(self.amended)

    def status_words(self, screening: str | None = None) -> str:
        """The status as the register's lists say it: ``open, partial`` or ``signed,
        partial`` for a case whose screening is known to be short of images. ``screening``
        is what a window working on the case says of it ("screening" while it runs, then
        "partial" or ""), which the register has only from that window's next save."""
        if screening is None:
            screening = "partial" if self.screening_complete is False else ""
        return f"{self.status}, {screening}" if screening else self.status

    def listed_status(self, screening: str | None = None) -> str:
        """The status with the case's amendments, as the window's register and ``cases list``
        show it: ``signed, amended 2×`` (``screening`` as in :meth:`status_words`)."""
        amended = f", {amended_words(self.amendments)}" if self.amendments else ""
        return self.status_words(screening) + amended


def case_row(db: sqlite3.Connection, uid: str, path: Path) -> int:
    """The row of case ``uid`` in ``db``, the register file at ``path`` (named in the
    error); :class:`CaseGoneError` when it holds none."""
    found = db.execute("SELECT id FROM cases WHERE uid = ?", (uid,)).fetchone()
    if found is None:
        raise CaseGoneError(f"no case {uid[:8]} in {path}")
    return found[0]


def count(db: sqlite3.Connection, query: CaseQuery, also: str = "",
          values: Sequence[object] = ()) -> int:
    """How many cases ``query`` selects (those of them ``also``, an SQL condition with
    ``values``, selects when given)."""
    condition, selected = _where(query, also, values)
    return db.execute(f"SELECT count(*) FROM cases WHERE {condition}", selected).fetchone()[0]


def summaries(db: sqlite3.Connection, query: CaseQuery, limit: int | None = None,
              also: str = "", values: Sequence[object] = ()) -> Iterator[CaseSummary]:
    """The cases ``query`` selects (those of them ``also`` selects, as in :func:`count`),
    the latest changed first, read one at a time; the first ``limit`` of them when given
    (read through the index of that order: a page reads that page)."""
    condition, selected = _where(query, also, values)
    if limit is not None:
        selected.append(limit)
    rows = db.execute(
        "SELECT uid, status, created_at, updated_at, facts, result, signed, "
        "(SELECT json_group_array(json_array(number, amended_at, amended_by, reason)) FROM "
        "amendments WHERE amendments.case_id = cases.id), model, model_sha256, rule, rows, "
        "case_date, screening_complete, copies_left_out, (SELECT json_group_array(json_array("
        f"rowid, {', '.join(records.WITHDRAWAL_COLUMNS)})) FROM withdrawals WHERE "
        f"withdrawals.case_id = cases.id), {TWIN} FROM cases "
        f"WHERE {condition} "
        "ORDER BY changed DESC" + ("" if limit is None else " LIMIT ?"),
        selected)
    return (_summary(*row) for row in rows)


def _where(query: CaseQuery, also: str, values: Sequence[object]) -> tuple[str, list[object]]:
    condition, selected = query.where()
    return (f"{condition} AND {also}", [*selected, *values]) if also else (condition, selected)


def _summary(uid: str, status: str, created_at: str, updated_at: str, facts: str,
             result: str | None, signed: str | None, amended: str, model: str,
             model_sha256: str, rule: str | None, rows: int, date: str,
             complete: int | None, copies: str | None, withdrawn: str, twin: int
             ) -> CaseSummary:
    version, figures = records.signed_of(signed), records.result_of(result)
    if figures is not None:  # one saved before results kept their thresholds
        figures = known_thresholds(figures, records.rule_of(rule), model, model_sha256)
    return CaseSummary(uid, status, created_at, updated_at, records.facts_of(facts),
                       figures, version and version.signature,
                       tuple(AmendmentNote(*note) for note in _in_order(amended)),
                       model, model_sha256, rows, date,
                       None if complete is None else bool(complete), records.copies_of(copies),
                       tuple(Withdrawal(*note) for note in _in_order(withdrawn)), twin)


def _in_order(rows: str) -> list[list]:
    """A JSON array of rows, each led by the number that orders it (an amendment's, a note's
    rowid), sorted by it and without it: SQLite promises no order inside
    ``json_group_array`` before 3.44, and this one may run on an older SQLite."""
    return [row[1:] for row in sorted(json.loads(rows))]
