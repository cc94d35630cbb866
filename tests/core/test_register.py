"""The case register: cases round-trip whole, signed ones stay as signed, damage is set aside."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.case import Case, CaseFacts, ReviewDecision
from malariascope.core.errors import (
    CaseSignedError,
    RegisterDamagedError,
    RegisterError,
    RegisterLockedError,
    RegisterSetAsideError,
    RegisterWriteError,
)
from malariascope.core.register import FILE_NAME, Register, schema
from malariascope.core.tally import Counts, Verdict
from tests.core.test_session import assert_same_results, classifier, results  # noqa: F401
from tests.images import make_cell

AT = "2026-03-04T10:11:12+00:00"


def case_of(classifier, **facts) -> Case:  # noqa: F811
    facts = {"sample_id": "S-1, ü", "patient_id": "P-42", "age_years": 7, "sex": "female",
             "collected_on": "2026-03-01", "site": "Ward 3", "stain": "Field's",
             "operator": 'A. "Op"', "notes": "line 1\nline 2", "target_cells": 500,
             "rbc_per_ul": 4_500_000.0, **facts}
    return Case(CaseFacts(**facts), classifier.model_name, classifier.backend.model_sha256,
                classifier.rule.with_threshold(0.3), ("smear 1", "ü.png"))


def counts_of(results, classifier, finals: dict[int, str] | None = None) -> Counts:  # noqa: F811
    """The counts the window keeps: final calls, reviews and the model's calls."""
    counts, finals = Counts(), finals or {}
    for row, result in enumerate(results):
        if not result.ok:
            counts.add(Verdict(""))
            continue
        call = classifier.rule.call(result.probability, result.in_field)
        counts.add(Verdict(finals.get(row, call), classifier.rule.uncertain(
            result.probability, result.in_field), row in finals, model_call=call))
    return counts


def decision(row: int, model_call: str, pressed: str, reviewer: str = "Ann") -> ReviewDecision:
    final = pressed if pressed in ("parasitized", "uninfected") else model_call
    return ReviewDecision(row, reviewer, AT, model_call, pressed, final)


def test_a_case_round_trips_whole_through_saves_that_only_add(tmp_path, results, classifier):  # noqa: F811
    case = case_of(classifier)
    ok = [row for row, result in enumerate(results) if result.ok]
    calls = {row: classifier.rule.call(results[row].probability, results[row].in_field)
             for row in ok}
    reviews = [decision(ok[0], calls[ok[0]], "uninfected"),
               decision(ok[1], calls[ok[1]], "unsure", "Bob"),
               decision(ok[0], calls[ok[0]], "parasitized")]
    half = len(results) // 2
    with Register(tmp_path) as register:
        assert register.save(case, cells=results[:half], first_row=0) == half
        stored = register.save(case, cells=results[half:], first_row=half, reviews=reviews)
        assert stored == len(results)
        finals = {ok[0]: "parasitized"}
        case.sign("Ann", counts_of(results, classifier, finals), at=AT)
        register.save(case)
    with Register(tmp_path) as register:  # a new process would see the same
        loaded = register.load(case.uid)
    assert loaded.case == case and loaded.case.signed is not None
    assert loaded.case.rule == case.rule and loaded.case.sources == ("smear 1", "ü.png")
    assert loaded.result == case.signed.result and loaded.result.rbc_per_ul == 4_500_000.0
    assert_same_results(results, loaded.cells)
    assert loaded.reviews == reviews and loaded.finals == finals


def test_cells_are_appended_only_where_the_last_save_ended(tmp_path, results, classifier):  # noqa: F811
    case = case_of(classifier)
    with Register(tmp_path) as register:
        register.save(case, cells=results[:3], first_row=0)
        case.update(notes="changed")
        with pytest.raises(RegisterError, match="from row 2, but 3 are stored"):
            register.save(case, cells=results[2:], first_row=2)
        with pytest.raises(RegisterError, match="names a cell that is not stored"):
            register.save(case, reviews=[decision(3, "uninfected", "parasitized")])
        loaded = register.load(case.uid)
    assert len(loaded.cells) == 3 and loaded.case.facts.notes == "line 1\nline 2"


def test_a_signed_case_is_refused_changes_until_amended(tmp_path, results, classifier):  # noqa: F811
    case = case_of(classifier)
    with Register(tmp_path) as register:
        register.save(case, cells=results[:4])
        stale = register.load(case.uid).case
        first = case.sign("Ann", counts_of(results[:4], classifier))
        register.save(case)
        register.save(case)  # an autosave with nothing new
        with pytest.raises(CaseSignedError):
            register.save(case, cells=results[4:])
        with pytest.raises(CaseSignedError):
            register.save(case, reviews=[decision(0, "uninfected", "parasitized")])
        with pytest.raises(CaseSignedError):
            register.save(stale)
        with pytest.raises(CaseSignedError, match="kept for good"):
            register.discard(case.uid)
        case.amend("wrong patient id", "Bob")
        case.update(patient_id="P-43")
        register.save(case, reviews=[decision(0, "uninfected", "parasitized", "Bob")])
        assert register.load(case.uid).case.signed is None
        second = case.sign("Bob", counts_of(results[:4], classifier, {0: "parasitized"}))
        register.save(case)
        loaded = register.load(case.uid).case
    assert loaded.signed == second and loaded.amendments[0].replaced == first
    assert loaded.amendments[0].reason == "wrong patient id"
    assert (first.facts.patient_id, second.facts.patient_id) == ("P-42", "P-43")


def test_an_open_case_can_be_discarded(tmp_path, results, classifier):  # noqa: F811
    case = case_of(classifier)
    with Register(tmp_path) as register:
        register.save(case, cells=results[:2], reviews=[decision(0, "uninfected", "unsure")])
        register.save_pictures(case.uid, {0: make_cell()})
        register.discard(case.uid)
        assert register.cases() == []
        with pytest.raises(RegisterError, match="no case"):
            register.load(case.uid)
        counts = register._db.execute("SELECT (SELECT count(*) FROM cells) + "
                                      "(SELECT count(*) FROM reviews) + "
                                      "(SELECT count(*) FROM pictures)").fetchone()
    assert counts == (0,)


def test_a_register_held_by_another_program_is_a_write_that_may_go_later(
        tmp_path, results, classifier):  # noqa: F811
    """Autosave tries again only the writes the file refused; a lock is one, a case refused
    for what it holds is not."""
    case = case_of(classifier)
    with Register(tmp_path) as register:
        register.save(case, cells=results[:2])
        with contextlib.closing(sqlite3.connect(tmp_path / FILE_NAME)) as other:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            with pytest.raises(RegisterLockedError, match="locked"):  # a RegisterWriteError
                register.save(case, cells=results[2:3], first_row=2)
            other.rollback()
        register.save(case, cells=results[2:3], first_row=2)  # the same write, later
        with pytest.raises(RegisterError) as refused:
            register.save(case, cells=results[:1], first_row=0)
        assert not isinstance(refused.value, RegisterWriteError)
        assert len(register.load(case.uid).cells) == 3


SAVE_AND_DIE = """
import os, sys
from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
register = Register(sys.argv[1])
case = Case(CaseFacts(sample_id="S-crash"))
register.save(case)
case.update(notes="saved before the crash")
register.save(case)
print(case.uid, flush=True)
os._exit(9)  # no close, no checkpoint: as a crash or a kill
"""


def test_a_save_survives_a_crash_right_after_it(tmp_path):
    child = subprocess.run([sys.executable, "-c", SAVE_AND_DIE, str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    assert (tmp_path / f"{FILE_NAME}-wal").exists()  # the saves are in the WAL only
    with Register(tmp_path) as register:
        assert register.load(child.stdout.strip()).case.facts.notes == "saved before the crash"


def test_pictures_are_kept_losslessly_and_large_ones_made_smaller(tmp_path):
    case = Case(CaseFacts(sample_id="S-1"))
    small, large = make_cell(96, parasitized=True), make_cell(600, parasitized=True, seed=3)
    with Register(tmp_path) as register:
        register.save(case)
        register.save_pictures(case.uid, {5: small, 9: large})
        pictures = register.pictures(case.uid)
    assert list(pictures) == [5, 9] and np.array_equal(pictures[5], small)
    assert pictures[9].shape == (256, 256, 3)


# -- a register that cannot be used ----------------------------------------------------------
def registered(folder: Path) -> None:
    """A register in ``folder`` holding one case."""
    with Register(folder) as register:
        register.save(Case(CaseFacts(sample_id="S-old")))


def index_out_of_step(path: Path) -> bytes:
    """The register at ``path`` with the slide id in its index of slide ids changed: every page
    reads well, only an integrity check finds the index and the table disagree."""
    with contextlib.closing(sqlite3.connect(path)) as database:
        page, = database.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'cases_sample'").fetchone()
        size, = database.execute("PRAGMA page_size").fetchone()
    data = path.read_bytes()
    at = data.index(b"S-old", (page - 1) * size, page * size)
    return data[:at] + b"S-new" + data[at + 5:]


@pytest.mark.parametrize(("damage", "words"), [
    (lambda path: b"this is a spreadsheet, not a register" * 200, "not a SQLite database"),
    (lambda path: path.read_bytes()[:path.stat().st_size // 2], "truncated"),
    (lambda path: path.read_bytes()[:60], "not a SQLite database"),
    (index_out_of_step, "integrity check: row 1 missing from index cases_sample"),
])
def test_a_damaged_register_is_set_aside_whole_and_a_new_one_begins(tmp_path, damage, words):
    registered(tmp_path)
    damaged = damage(tmp_path / FILE_NAME)
    (tmp_path / FILE_NAME).write_bytes(damaged)
    with pytest.raises(RegisterDamagedError, match=words) as caught:
        Register(tmp_path)
    assert caught.value.kept_at.read_bytes() == damaged
    assert caught.value.kept_at.parent == tmp_path and not (tmp_path / FILE_NAME).exists()
    with Register(tmp_path) as register:
        assert register.cases() == []
        register.save(Case(CaseFacts(sample_id="S-new")))
    assert caught.value.kept_at.read_bytes() == damaged


def test_another_programs_database_is_not_taken_for_a_register(tmp_path):
    other = sqlite3.connect(tmp_path / FILE_NAME)
    other.execute("CREATE TABLE invoices (id INTEGER)")
    other.commit()
    other.close()
    with pytest.raises(RegisterDamagedError, match="another program") as caught:
        Register(tmp_path)
    assert sqlite3.connect(caught.value.kept_at).execute(
        "SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_a_register_out_of_reach_is_told_and_left_alone(tmp_path):
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(RegisterError, match="cannot create") as caught:
        Register(tmp_path / "data")
    assert not isinstance(caught.value, RegisterSetAsideError)
    assert (tmp_path / "data").read_text() == "a file where the folder should be"


def test_an_older_register_is_migrated_in_place_keeping_its_cases(tmp_path, monkeypatch):
    registered(tmp_path)
    step = "ALTER TABLE cases ADD COLUMN lab TEXT NOT NULL DEFAULT 'main';"
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))
    with Register(tmp_path) as register:
        assert [case.facts.sample_id for case in register.cases()] == ["S-old"]
        assert register._db.execute("SELECT lab FROM cases").fetchall() == [("main",)]
        assert register._db.execute("PRAGMA user_version").fetchone()[0] == len(
            schema.MIGRATIONS)


def test_a_case_saved_before_facts_held_the_lab_opens_with_its_stain_and_no_lab(tmp_path):
    case = Case(CaseFacts(sample_id="S-1", stain="Giemsa"))
    case.sign("Ann", Counts(), at=AT)
    with Register(tmp_path) as register:
        register.save(case)
        register._db.execute(  # the facts as release 0.1's register holds them: no lab
            "UPDATE cases SET facts = json_remove(facts, '$.lab'), "
            "signed = json_remove(signed, '$.facts.lab')")
        assert "lab" not in register._db.execute("SELECT facts FROM cases").fetchone()[0]
    with Register(tmp_path) as register:
        loaded = register.load(case.uid).case
    assert (loaded.facts.lab, loaded.facts.stain) == ("", "Giemsa")
    assert loaded.signed == case.signed


def test_a_record_its_class_refuses_is_told_not_taken(tmp_path):
    case = Case(CaseFacts(sample_id="S-1"))
    with Register(tmp_path) as register:
        register.save(case)
        assert register._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        register._db.execute("UPDATE cases SET facts = json_set(facts, '$.target_cells', 5)")
        with pytest.raises(RegisterError, match="cannot be read: target red cell count"):
            register.load(case.uid)
        with pytest.raises(RegisterError, match="cannot be read"):
            register.cases()


def test_a_register_holding_direction_controls_still_opens(tmp_path):
    """Text typed with a direction control is refused now, but a register written before
    holds some: its cases open as they were kept."""
    case = Case(CaseFacts(sample_id="S-1", patient_id="P\u202eevil", notes="\u2067note\u2069"))
    case.sign("Ann", Counts(), at=AT)
    with Register(tmp_path) as register:
        register.save(case)
        register._db.execute("UPDATE cases SET signed = json_set(signed, "
                             "'$.signature.name', 'Ann\u200f')")
    with Register(tmp_path) as register:
        loaded = register.load(case.uid).case
    assert (loaded.facts.patient_id, loaded.facts.notes) == ("P\u202eevil", "\u2067note\u2069")
    assert loaded.signed.signature.name == "Ann\u200f"
