"""What :meth:`Register.save <malariascope.core.register.store.Register.save>` writes of a
case, step by step, inside the save's one transaction: the case's row (made on its first
save), its new amendments, the cells after those stored, its new review decisions.

Every function takes the register's connection, already in that transaction; a signed case
is only ever saved again as it is (:func:`check_unchanged`). A copy read before the
register's latest (:func:`check_current`), and a case another window works on
(:func:`check_free`), are refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import astuple

from malariascope.core.case import Amendment, Case, ReviewDecision
from malariascope.core.clock import local_day, utc_now
from malariascope.core.errors import (
    AmendmentChangedError,
    CaseChangedError,
    CaseHeldError,
    CaseSignedError,
    RegisterError,
)
from malariascope.core.extent import Extent
from malariascope.core.leftout import LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.register import records
from malariascope.core.register.schema import NEXT_CHANGE
from malariascope.core.signing import same_rule


def stored_state(db: sqlite3.Connection, case: Case,
                 complete: bool | None = None) -> tuple[int, int, int, bool]:
    """Id, cells, amendments and signed state of ``case`` in the register (made new, its
    screening ``complete`` or not, None: not known)."""
    found = db.execute(
        "SELECT id, rows, status, (SELECT count(*) FROM amendments WHERE case_id = cases.id) "
        "FROM cases WHERE uid = ?", (case.uid,)).fetchone()
    if found is None:
        cursor = db.execute(
            "INSERT INTO cases (uid, created_at, updated_at, status, sample_id, "
            "patient_id, operator, case_date, signed_by, signed_at, model, model_sha256, "
            "sources, facts, screening_complete, changed) VALUES (?, ?, '', 'open', '', '', "
            f"'', '', '', '', '', '', '[]', '{{}}', ?, {NEXT_CHANGE})",
            (case.uid, case.created_at, complete))
        return cursor.lastrowid, 0, 0, False
    case_id, rows, status, amended = found
    return case_id, rows, amended, status == "signed"


Version = tuple[int, int, int, object]  # cells, review decisions, amendments, sign-off


def version_of(case: Case, cells: int, reviews: int) -> Version:
    """What the register holds of ``case``, with ``cells`` cells and ``reviews`` review
    decisions, that a copy of it must match to be the register's latest."""
    return cells, reviews, len(case.amendments), sign_off(case)


def sign_off(case: Case) -> object:
    """The sign-off of ``case`` as a value (None: not signed), as :func:`stored_sign_off`
    reads one stored."""
    return stored_sign_off(case, case.signed and records.to_json(case.signed))


def stored_sign_off(case: Case, text: str | None) -> object:
    """``text``, a sign-off of ``case`` stored as JSON (None: not signed), as a value: one
    sign-off stored in another JSON form (spacing, escapes, key order) is the same."""
    try:
        return None if text is None else json.loads(text)
    except ValueError as exc:
        raise RegisterError(f"the sign-off of case {case.name} cannot be read: {exc}") from exc


def check_current(db: sqlite3.Connection, case_id: int, case: Case, read_as: Version) -> None:
    """Refuse, with :class:`CaseChangedError`, a copy of ``case`` read as ``read_as``
    (:func:`version_of`) when the register holds more of it since, or other amendments or
    another sign-off: work going on from that copy would save over them."""
    stored = db.execute(
        "SELECT rows, (SELECT count(*) FROM reviews WHERE case_id = ?1), (SELECT count(*) "
        "FROM amendments WHERE case_id = ?1), signed FROM cases WHERE id = ?1",
        (case_id,)).fetchone()
    if (*stored[:3], stored_sign_off(case, stored[3])) != read_as:
        raise CaseChangedError(case.name, case.uid)


def check_free(db: sqlite3.Connection, case_id: int, case: Case) -> None:
    """Refuse, with :class:`CaseHeldError`, ``case`` to a guest (a window that keeps no work in
    the register while another does) when the case is that window's work: it keeps its work
    row with every save, and its later saves would meet the guest's changes."""
    found = db.execute("SELECT state FROM work WHERE case_id = ?", (case_id,)).fetchone()
    if found is not None:
        try:
            saved_at = str(json.loads(found[0]).get("saved_at", ""))
        except (ValueError, AttributeError):  # a state no window can read back: time unknown
            saved_at = ""
        raise CaseHeldError(case.name, saved_at)


def check_unchanged(db: sqlite3.Connection, case_id: int, case: Case, rows: int,
                    cells: Sequence[ScreeningResult], first_row: int | None,
                    reviews: Sequence[ReviewDecision]) -> int:
    """A signed case is saved again only as it is: with nothing added, or with what the
    register holds given again by a copy of that very sign-off (a writer that read the
    register before another saved the case signed); returns its cells."""
    stored, decisions = db.execute(
        "SELECT signed, (SELECT count(*) FROM reviews WHERE case_id = ?1) FROM cases "
        "WHERE id = ?1", (case_id,)).fetchone()
    given_again = ((not cells or first_row is not None and first_row + len(cells) == rows)
                   and len(reviews) <= decisions)
    if (case.signed is None or sign_off(case) != stored_sign_off(case, stored)
            or not given_again):
        raise CaseSignedError(f"case {case.name} is signed in "
                              "the register: amend it, with a reason, to change it")
    return rows


def write_case(db: sqlite3.Connection, case_id: int, case: Case,
               result: CaseResult | None) -> None:
    """The case's row as ``case`` has it; ``result`` None keeps the figures stored."""
    signed = case.signed
    if signed is not None:
        result = signed.result
    db.execute(
        f"UPDATE cases SET changed = {NEXT_CHANGE}, updated_at = ?, status = ?, "
        "sample_id = ?, patient_id = ?, operator = ?, case_date = ?, signed_by = ?, signed_at = ?, "
        "cells_counted = coalesce(?, cells_counted), "
        "parasitized = coalesce(?, parasitized), model = ?, model_sha256 = ?, rule = ?, "
        "sources = ?, facts = ?, result = coalesce(?, result), signed = ? WHERE id = ?",
        (utc_now(), "open" if signed is None else "signed", case.facts.sample_id,
         case.facts.patient_id, case.facts.operator, case_date(case),
         signed.signature.name if signed else "", signed.signature.signed_at if signed
         else "", result and result.cells_counted, result and result.parasitized,
         case.model, case.model_sha256, records.rule_json(case.rule),
         records.to_json(list(case.sources)), records.to_json(case.facts),
         result and records.to_json(result), signed and records.to_json(signed), case_id))


def write_complete(db: sqlite3.Connection, case_id: int, complete: bool | None) -> None:
    """Keep whether the case's screening covered every image opened. Cut short is always
    written, whole only over a state the register knows: a window that reopened a case saved
    before the register kept this cannot tell, so it stays unknown (NULL). None keeps what
    is stored."""
    db.execute(
        "UPDATE cases SET screening_complete = CASE WHEN ?1 = 0 THEN 0 WHEN ?1 = 1 AND "
        "screening_complete IS NOT NULL THEN 1 ELSE screening_complete END WHERE id = ?2",
        (complete, case_id))


def write_extent(db: sqlite3.Connection, case_id: int, files: int | None,
                 copies: LeftOut | None, inputs: Extent | None) -> None:
    """Keep what the case was opened from: how many image files were found there (0 stores
    that they are not known: images opened were never counted), those left out as copies of
    files screened, and its inputs (:func:`~.records.inputs_json`). None keeps what is
    stored."""
    db.execute(
        "UPDATE cases SET files_found = CASE WHEN ?1 IS NULL THEN files_found ELSE "
        "nullif(?1, 0) END, copies_left_out = coalesce(?2, copies_left_out), "
        "inputs = coalesce(?3, inputs) WHERE id = ?4",
        (files, None if copies is None else records.to_json(copies.to_dict()),
         None if inputs is None else records.inputs_json(inputs), case_id))


def add_amendments(db: sqlite3.Connection, case_id: int, amendments: Sequence[Amendment],
                   stored: int) -> None:
    """Append ``amendments``, numbered after the ``stored`` ones."""
    db.executemany(
        f"INSERT INTO amendments (case_id, number, {', '.join(records.AMENDMENT_COLUMNS)}) "
        f"VALUES (?, ?, {', '.join('?' * len(records.AMENDMENT_COLUMNS))})",
        [(case_id, number, *records.amendment_values(amendment))
         for number, amendment in enumerate(amendments, stored + 1)])


def amendments_kept(db: sqlite3.Connection, case_id: int, case: Case) -> int:
    """How many of the stored amendments lead ``case``'s own, each the same (reason, by,
    time and version replaced): those after them are ones the case withdrew."""
    stored = db.execute("SELECT reason, amended_by, amended_at, replaced FROM amendments "
                        "WHERE case_id = ? ORDER BY number", (case_id,)).fetchall()
    kept = 0
    for row, amendment in zip(stored, case.amendments, strict=False):
        if row != (*records.amendment_values(amendment)[:4],):
            break
        kept += 1
    return kept


def drop_withdrawn(db: sqlite3.Connection, case_id: int, case: Case, stored: int, kept: int,
                   refused: bool) -> int:
    """Delete the last of the ``stored`` amendments, which ``case`` withdrew, and return the
    ``kept`` ones left; the case's amendments after those are new. Only the one amendment
    after the kept ones, the register holding the case open under it, which ``case`` notes
    among those it withdrew, and only when it replaced the version the case was signed as
    again (the one its next amendment, if any, replaced); else (or when ``refused``: the case
    is signed in the register, or cells or reviews come with it) a RegisterError. The case
    must be as the amendment found it (:func:`check_as_found`)."""
    found = db.execute("SELECT reason, amended_by, amended_at, replaced FROM amendments "
                       "WHERE case_id = ? AND number = ?", (case_id, stored)).fetchone()
    newer = case.amendments[kept:]
    signed_again = newer[0].replaced if newer else case.signed
    if (refused or stored != kept + 1 or signed_again is None or found is None
            or found[3] != records.to_json(signed_again)
            or found[:3] not in {(note.reason, note.by, note.opened_at)
                                 for note in case.withdrawn}):
        raise RegisterError(f"case {case.uid[:8]} has an amendment this copy lacks, or one "
                            "that cannot be withdrawn")
    check_as_found(db, case_id, case, stored)
    db.execute("DELETE FROM amendments WHERE case_id = ? AND number = ?", (case_id, stored))
    return kept


def check_as_found(db: sqlite3.Connection, case_id: int, case: Case, number: int) -> None:
    """Refuse to withdraw amendment ``number`` of ``case`` unless the register holds the case
    as the amendment noted it: no review decision made since, the screening's extent as
    recorded (with what this save writes of it), and the model, the call rule and the image
    sources, the ones stored and ``case``'s (which this save writes) alike.
    :class:`AmendmentChangedError` names what differs."""
    decisions, extent, *noted_model, noted_rule, noted_sources = db.execute(
        "SELECT decisions, extent, model, model_sha256, rule, sources FROM amendments "
        "WHERE case_id = ? AND number = ?", (case_id, number)).fetchone()
    reviews, *model, rule, sources, complete, files, copies = db.execute(
        "SELECT (SELECT count(*) FROM reviews WHERE case_id = ?1), model, model_sha256, rule, "
        "sources, screening_complete, files_found, copies_left_out FROM cases WHERE id = ?1",
        (case_id,)).fetchone()
    if None in (decisions, extent, noted_sources, *noted_model):
        raise AmendmentChangedError(
            f"the amendment of case {case.name} cannot be withdrawn: it was opened by an "
            "earlier MalariaScope, which did not note the case as it found it")
    # as a window reads the case back (``batches.session_of``): NULL complete is whole
    now = Extent(files=files or 0, copies=records.copies_of(copies)).as_saved(complete != 0)
    noted_rule = records.rule_of(noted_rule)
    changed = [words for words, differs in (
        ("review decisions made", decisions != reviews),
        ("another extent of its screening", records.extent_of(extent) != now),
        ("another model", {tuple(model), (case.model, case.model_sha256)}
         != {tuple(noted_model)}),
        ("another call rule", not (same_rule(noted_rule, records.rule_of(rule))
                                   and same_rule(noted_rule, case.rule))),
        ("other images opened", {records.sources_of(sources), case.sources}
         != {records.sources_of(noted_sources)})) if differs]
    if changed:
        raise AmendmentChangedError(f"the amendment of case {case.name} cannot be withdrawn: "
                                    f"since it opened, the register holds {', '.join(changed)}")


def add_withdrawals(db: sqlite3.Connection, case_id: int, case: Case) -> None:
    """Keep ``case``'s notes of the amendments it withdrew, each once, whichever save brings
    it."""
    db.executemany(
        f"INSERT OR IGNORE INTO withdrawals (case_id, {', '.join(records.WITHDRAWAL_COLUMNS)})"
        f" VALUES (?, {', '.join('?' * len(records.WITHDRAWAL_COLUMNS))})",
        [(case_id, *astuple(note)) for note in case.withdrawn])


def append_cells(db: sqlite3.Connection, case_id: int, rows: int,
                 cells: Sequence[ScreeningResult], first_row: int | None) -> int:
    """Append ``cells`` after the ``rows`` stored (``first_row``, when given, must be that
    number); returns the cells stored now."""
    if first_row is not None and first_row != rows:
        raise RegisterError(f"cells were given from row {first_row:,}, but {rows:,} are "
                            "stored")
    if cells:
        db.executemany(
            f"INSERT INTO cells (case_id, {', '.join(records.CELL_COLUMNS)}) VALUES "
            f"(?, {', '.join('?' * len(records.CELL_COLUMNS))})",
            [(case_id, *records.cell_values(row, result))
             for row, result in enumerate(cells, rows)])
        rows += len(cells)
        db.execute("UPDATE cases SET rows = ? WHERE id = ?", (rows, case_id))
    return rows


def add_reviews(db: sqlite3.Connection, case_id: int, rows: int,
                reviews: Sequence[ReviewDecision]) -> None:
    """Append ``reviews``, each of one of the ``rows`` cells stored."""
    if any(not 0 <= decision.row < rows for decision in reviews):
        raise RegisterError("a review decision names a cell that is not stored")
    db.executemany(
        f"INSERT INTO reviews (case_id, {', '.join(records.REVIEW_COLUMNS)}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(case_id, *records.review_values(decision)) for decision in reviews])


def case_date(case: Case) -> str:
    """The date a case is found by: its collection date, else the local day it was opened."""
    return case.facts.collected_on or local_day(case.created_at)
