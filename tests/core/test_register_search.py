"""Finding cases in the register and exporting them as CSV for a lab information system."""

from __future__ import annotations

import contextlib
import csv
import sqlite3

import pytest

from malariascope.core.case import Case, CaseFacts, ReviewDecision
from malariascope.core.errors import CaseError, RegisterError
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.register import FILE_NAME, CaseQuery, Register, schema_version
from malariascope.core.register.export import COLUMNS
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.tally import Counts, Verdict
from tests.core.test_amendment import as_before_amendments_noted
from tests.core.test_register_scale import as_before_list_indexes
from tests.images import make_cell_folder

AT = "2026-03-04T10:11:12+00:00"


def counts(parasitized: int, uninfected: int) -> Counts:
    tally = Counts()
    for call, number in (("parasitized", parasitized), ("uninfected", uninfected)):
        for _ in range(number):
            tally.add(Verdict(call, reviewed=call == "parasitized"))
    return tally


@pytest.fixture
def three_cases(tmp_path):
    """Three cases: two signed (one positive), one open with a second reader's review."""
    with Register(tmp_path / "data") as register:
        amina = Case(CaseFacts(sample_id="S-100", patient_id="Amina K.", operator="Ann",
                               collected_on="2026-02-27", rbc_per_ul=5_000_000, notes="fever",
                               lab="Central Lab, Kisumu"),
                     "malariascope-cnn 0.1.0 (onnx)", "4a50d307762f84d2" + "0" * 48)
        amina.sign("Ann Lee", counts(25, 1975), at=AT)
        register.save(amina, amina.signed.result)
        hacker = Case(CaseFacts(sample_id="=HYPERLINK(\"http://x\")", patient_id="+1-555",
                                operator="@admin", collected_on="2026-03-02",
                                notes="-2+3\nsecond line"))
        hacker.sign("-Bob", counts(0, 2000), at=AT)
        register.save(hacker)
        open_case = Case(CaseFacts(sample_id="S-102", patient_id="amina k.", operator="Ann"))
        register.save(open_case, open_case.result(counts(1, 99)),
                      cells=[], reviews=[])
        yield register, (amina, hacker, open_case)


def sample_ids(register: Register, **query) -> list[str]:
    return sorted(case.facts.sample_id for case in register.cases(CaseQuery(**query)))


def test_cases_are_found_by_patient_slide_date_result_reviewer_and_status(three_cases):
    register, (amina, hacker, open_case) = three_cases
    assert sample_ids(register, patient="AMINA") == ["S-100", "S-102"]
    assert sample_ids(register, sample="s-10") == ["S-100", "S-102"]
    assert sample_ids(register, date_from="2026-02-28", date_to="2026-03-02") == [
        hacker.facts.sample_id]
    assert sample_ids(register, positive=True) == ["S-100", "S-102"]
    assert sample_ids(register, positive=False) == [hacker.facts.sample_id]
    assert sample_ids(register, reviewer="lee") == ["S-100"]
    assert sample_ids(register, status="open") == ["S-102"]
    assert sample_ids(register, uids=(amina.uid, open_case.uid)) == ["S-100", "S-102"]
    assert sample_ids(register, patient="amina", status="signed") == ["S-100"]
    assert register.cases()[0].uid == open_case.uid  # the latest changed first


def test_a_reviewer_of_any_cell_finds_the_case(three_cases, tmp_path):
    register, (_, _, open_case) = three_cases
    from malariascope.core.classifier import Classifier
    from malariascope.core.pipeline import screen

    cells = list(screen(make_cell_folder(tmp_path / "cells", 2), Classifier.open()))
    register.save(open_case, cells=cells, reviews=[
        ReviewDecision(1, "Chidi O.", AT, "parasitized", "unsure", "parasitized")])
    assert sample_ids(register, reviewer="chidi") == ["S-102"]


@pytest.mark.parametrize("typed", ["20260227", "2026-W09-5"])
def test_a_date_in_another_iso_form_is_kept_as_yyyy_mm_dd_and_found(three_cases, typed):
    """Stored as typed, 20260227 and 2026-W09-5 (both 27 February) were missed by a search of
    February, which compares the text, and listed and exported in their own form."""
    register, _ = three_cases
    case = Case(CaseFacts(sample_id="S-103", collected_on=typed))
    assert case.facts.collected_on == "2026-02-27"
    register.save(case)
    assert sample_ids(register, date_from="2026-02-01", date_to="20260228") == [
        "S-100", "S-103"]


@pytest.mark.parametrize("query", [dict(date_from="2026-13-01"), dict(status="closed")])
def test_a_query_that_cannot_be_met_is_told(query):
    with pytest.raises(CaseError):
        CaseQuery(**query)


def read_csv(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


# -- registers written before dates were kept as YYYY-MM-DD ----------------------------------
DATES_AS_TYPED_SCHEMA = 3  # the last schema whose register may hold a date as typed


def write_dates_as_typed(path, typed: str) -> None:
    """Put ``typed`` where a register of :data:`DATES_AS_TYPED_SCHEMA` kept a collection
    date: the case's date column, its facts, its signed version and what amendments replaced."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE cases SET case_date = ?1, facts = json_set(facts, '$.collected_on', "
                   "?1), signed = json_set(signed, '$.facts.collected_on', ?1)", (typed,))
        db.execute("UPDATE amendments SET replaced = json_set(replaced, "
                   "'$.facts.collected_on', ?)", (typed,))
        for column in ("screening_complete", "files_found", "copies_left_out"):  # later steps'
            db.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        as_before_amendments_noted(db)
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {DATES_AS_TYPED_SCHEMA}")


@pytest.mark.parametrize("typed", ["20260227", "2026-W09-5"])
def test_dates_typed_before_they_were_kept_as_yyyy_mm_dd_are_found_after_opening(
        tmp_path, typed):
    folder = tmp_path / "data"
    signed = Case(CaseFacts(sample_id="S-1", collected_on="2026-02-27"))
    signed.sign("Ann", counts(0, 10), at=AT)
    signed.amend("wrong slide", "Bob")
    signed.sign("Bob", counts(0, 10), at=AT)
    opened = Case(CaseFacts(sample_id="S-2", collected_on="2026-02-27"))
    with Register(folder) as register:
        register.save(signed)
        register.save(opened)
    write_dates_as_typed(folder / FILE_NAME, typed)
    with Register(folder) as register:
        assert sample_ids(register, date_from="2026-02-27", date_to="2026-02-27") == [
            "S-1", "S-2"]
        assert {case.date for case in register.cases()} == {"2026-02-27"}
        stored = register.load(signed.uid).case
        register.save(stored)  # a signed case read back is the case as stored, unchanged
        left = register._db.execute(
            "SELECT count(*) FROM cases, amendments WHERE instr(case_date || facts || signed "
            "|| replaced, ?)", (typed,)).fetchone()[0]
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
    assert left == 0 and version == schema_version() > DATES_AS_TYPED_SCHEMA


def test_a_record_unreadable_before_dates_were_kept_as_days_is_still_told_when_read(tmp_path):
    folder = tmp_path / "data"
    good, bad = Case(CaseFacts(sample_id="S-1")), Case(CaseFacts(sample_id="S-2"))
    with Register(folder) as register:
        register.save(good)
        register.save(bad)
    write_dates_as_typed(folder / FILE_NAME, "20260227")
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        db.execute("UPDATE cases SET facts = '{\"collected_on\": ' WHERE uid = ?", (bad.uid,))
    with Register(folder) as register:
        assert register.load(good.uid).case.facts.collected_on == "2026-02-27"
        with pytest.raises(RegisterError, match="cannot be read"):
            register.load(bad.uid)


def test_a_case_whose_screening_was_cut_short_is_listed_and_exported_as_partial(tmp_path):
    """A window's case whose screening stopped before every image opened was screened was
    listed and exported as plain "open", like a finished one."""
    target = tmp_path / "lis.csv"
    with Register(tmp_path / "data") as register:
        CaseWork(register).save(Session([], BatchFacts(sample_id="S-cut"), complete=False,
                                        extent=Extent(("smear 1",), files=5)))
        CaseWork(register).save(Session([], BatchFacts(sample_id="S-whole")))
        register.save(Case(CaseFacts(sample_id="S-saved")))  # no window works on it
        listed = {case.facts.sample_id: case for case in register.cases()}
        register.export_csv(target)
    rows = {row["sample_id"]: row for row in read_csv(target)}
    slides = ("S-cut", "S-whole", "S-saved")
    assert [listed[slide].screening_complete for slide in slides] == [False, True, None]
    assert [listed[slide].status_words() for slide in slides] == ["open, partial", "open", "open"]
    assert [(rows[slide]["status"], rows[slide]["partial"]) for slide in slides] == [
        ("open", "true"), ("open", "false"), ("open", "")]


def test_two_cases_opened_in_one_second_have_names_of_their_own(tmp_path):
    """A case without a slide id was named by its patient and the second it was opened, so
    two opened in one second (two windows can) had one name in every note and question."""
    opened = "2026-03-04T10:11:12+00:00"
    cases = [Case(CaseFacts(patient_id="P-00917"), created_at=opened) for _ in range(3)]
    others = [Case(CaseFacts(patient_id="P-1"), created_at=opened),
              Case(CaseFacts(sample_id="S-1", patient_id="P-00917"), created_at=opened)]
    with Register(tmp_path) as register:
        for case in (*cases, *others):
            register.save(case)
        names = [register.load(case.uid).case.name for case in cases]
        assert names[1:] == [f"{names[0]} (2)", f"{names[0]} (3)"]
        assert names[0] == cases[0].name  # the first keeps its name
        assert [register.load(case.uid).case.name for case in others] == [
            others[0].name, "S-1"]  # another name already
        register.discard(cases[0].uid)
        assert register.load(cases[1].uid).case.name == names[0]
