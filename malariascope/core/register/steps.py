"""The schema's steps that SQL alone cannot say (:data:`~.schema.MIGRATIONS`): each is given
the connection, in the step's own transaction, and brings the register's rows to what the
step's version keeps."""

from __future__ import annotations

import json
import re
import sqlite3

from malariascope.core.case import iso_day
from malariascope.core.errors import CaseError

YYYY_MM_DD = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str) -> str:
    """``text``, a date in any ISO form :func:`iso_day` reads, as YYYY-MM-DD; as it is
    otherwise (the case then tells it when it is read)."""
    if not text or YYYY_MM_DD.fullmatch(text):
        return text
    try:
        return iso_day(text).isoformat()
    except CaseError:
        return text


def _collected_on_as_day(text: str | None, *keys: str) -> str | None:
    """The JSON record ``text`` with its ``collected_on`` (under ``keys``) as YYYY-MM-DD, in
    the compact form the register writes (``records.to_json``)."""
    try:
        record = inner = json.loads(text)
        for key in keys:
            inner = inner[key]
        day = inner.get("collected_on")
    except (ValueError, TypeError, KeyError, AttributeError):
        return text  # None, or a record the case tells as unreadable when it is read
    if not isinstance(day, str) or _day(day) == day:
        return text
    inner["collected_on"] = _day(day)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def dates_as_days(db: sqlite3.Connection) -> None:
    """Collection dates as YYYY-MM-DD in every case and every version it replaced: the date
    search compares text, and a signed case is saved again only as its stored JSON."""
    for case_id, date, facts, signed in db.execute(
            "SELECT id, case_date, facts, signed FROM cases").fetchall():
        db.execute("UPDATE cases SET case_date = ?, facts = ?, signed = ? WHERE id = ?",
                   (_day(date), _collected_on_as_day(facts),
                    _collected_on_as_day(signed, "facts"), case_id))
    for case_id, number, replaced in db.execute(
            "SELECT case_id, number, replaced FROM amendments").fetchall():
        db.execute("UPDATE amendments SET replaced = ? WHERE case_id = ? AND number = ?",
                   (_collected_on_as_day(replaced, "facts"), case_id, number))


def results_may_say_unlike(db: sqlite3.Connection) -> None:
    """Nothing to change: the version alone keeps older versions from results they cannot
    read (a CaseResult's ``unlike`` limit)."""


def results_may_say_unsure(db: sqlite3.Connection) -> None:
    """Nothing to change: the version alone keeps older versions from results they cannot
    read (a CaseResult's count of cells marked unsure)."""


def copies_may_name_folders(db: sqlite3.Connection) -> None:
    """Nothing to change: the version alone keeps older versions from copies they cannot
    read (a LeftOut's copies by folder, ``in_folders``), which would fail every listing."""


def results_may_say_thresholds(db: sqlite3.Connection) -> None:
    """Nothing to change: the version alone keeps older versions from results they cannot
    read (a CaseResult's threshold and its model card's)."""


def screening_complete(db: sqlite3.Connection) -> None:
    """Whether each case's screening covered every image opened, kept with the case: taken
    from its work row when a window works on it, else unknown (NULL). A work row says
    "complete" of a case reopened for an amendment (its inputs not kept) whatever its
    screening was, so only a row that names its inputs, of a case never amended, says so."""
    db.execute("ALTER TABLE cases ADD COLUMN screening_complete INTEGER")  # 1, 0 or NULL
    db.execute(
        "UPDATE cases SET screening_complete = (SELECT CASE json_type(state, '$.complete') "
        "WHEN 'false' THEN 0 WHEN 'true' THEN CASE WHEN json_array_length(state, "
        "'$.extent.inputs') > 0 AND NOT EXISTS (SELECT 1 FROM amendments WHERE "
        "amendments.case_id = cases.id) THEN 1 END END FROM work WHERE work.case_id = cases.id "
        "AND json_valid(state))")


def files_found(db: sqlite3.Connection) -> None:
    """The image files found in what each case was opened from, kept with the case (NULL:
    not known), so a case reopened from the register tells how many a screening cut short
    left: taken from its work row when a window works on it (0 there: not counted)."""
    db.execute("ALTER TABLE cases ADD COLUMN files_found INTEGER")
    db.execute(
        "UPDATE cases SET files_found = (SELECT nullif(json_extract(state, '$.extent.files'), "
        "0) FROM work WHERE work.case_id = cases.id AND json_valid(state))")


def copies_left_out(db: sqlite3.Connection) -> None:
    """The image files left out as copies of files screened, kept with the case (JSON of
    ``LeftOut``; NULL: none known), taken from its work row when a window works on it: work
    saved before it kept them says nothing, so a case without a count is never told as
    having none."""
    db.execute("ALTER TABLE cases ADD COLUMN copies_left_out TEXT")
    db.execute(
        "UPDATE cases SET copies_left_out = (SELECT json_extract(state, '$.extent.copies') "
        "FROM work WHERE work.case_id = cases.id AND json_valid(state))")


def inputs(db: sqlite3.Connection) -> None:
    """What each case was opened from (JSON of its ``Extent`` without the files found and
    the copies left out, kept in their own columns; NULL: not known), so a case reopened
    from the register can screen what was not: taken from its work row when a window works
    on it."""
    db.execute("ALTER TABLE cases ADD COLUMN inputs TEXT")
    db.execute(
        "UPDATE cases SET inputs = (SELECT json_remove(json_extract(state, '$.extent'), "
        "'$.files', '$.copies') FROM work WHERE work.case_id = cases.id AND json_valid(state) "
        "AND json_type(state, '$.extent') = 'object')")


def change_order(db: sqlite3.Connection) -> None:
    """Number each case's last save (``changed``, :data:`~.schema.NEXT_CHANGE`), the list's
    order: the cases saved before are numbered in the order of their stamps. The index of
    the stamps' order goes: a clock set back makes a stamp older than the one before."""
    db.execute("ALTER TABLE cases ADD COLUMN changed INTEGER NOT NULL DEFAULT 0")
    order = db.execute("SELECT id FROM cases ORDER BY updated_at, id").fetchall()
    db.executemany("UPDATE cases SET changed = ? WHERE id = ?",
                   [(number, case_id) for number, (case_id,) in enumerate(order, 1)])
    db.execute("CREATE INDEX cases_order ON cases (changed)")
    db.execute("DROP INDEX cases_changed")
