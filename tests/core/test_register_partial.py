"""Whether a case's screening covered every image opened, kept with the case in the register."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from pathlib import Path

from malariascope.core.case import Case, CaseFacts
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.leftout import LeftOut
from malariascope.core.register import FILE_NAME, Register, schema_version
from malariascope.core.register.batches import session_of
from malariascope.core.register.work import CaseWork
from malariascope.core.report import ReportWriter, summary_path
from malariascope.core.session import Session
from malariascope.core.tally import Counts
from tests.core.test_amendment import as_before_amendments_noted
from tests.core.test_register_scale import as_before_list_indexes
from tests.core.test_register_search import AT, read_csv
from tests.reports import read_summary

BEFORE_CASES_KEPT_IT = 4  # the last schema whose cases did not say whether screening was whole
BEFORE_FILES_FOUND = 6  # the last schema whose cases did not keep the files found


def cut_short(sample_id: str) -> Session:
    """A window's batch whose screening stopped with 3 of its 5 image files not screened."""
    return Session([], BatchFacts(sample_id=sample_id), complete=False,
                   extent=Extent(("smear 1",), files=5))


def partial_of(register: Register, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """By slide: the status the register lists and the CSV's ``partial``."""
    register.export_csv(tmp_path / "lis.csv", overwrite=True)
    rows = {row["sample_id"]: row["partial"] for row in read_csv(tmp_path / "lis.csv")}
    return {case.facts.sample_id: (case.status_words(), rows[case.facts.sample_id])
            for case in register.cases()}


def signed_cut_short(register: Register, sample_id: str) -> str:
    """Save a batch cut short, sign it and close its window; the case's uid."""
    work = CaseWork(register)
    work.save(cut_short(sample_id))
    case = work.case
    case.sign("Ann", Counts(), at=AT)
    work.save(Session([], BatchFacts(sample_id=sample_id), complete=False, case=case))
    work.drop()  # the window closes: the signed case stays, its work ends
    return case.uid


def test_a_cut_short_case_signed_stays_partial_once_no_window_works_on_it(tmp_path):
    """Whether screening was whole lived only in the work row: once the window closed, a
    signed cut-short case listed as plain "signed", and its CSV's partial was empty."""
    with Register(tmp_path / "data") as register:
        uid = signed_cut_short(register, "S-cut")
        assert register.work() is None
        assert partial_of(register, tmp_path) == {"S-cut": ("signed, partial", "true")}
        stored = register.load(uid)
    assert stored.screening_complete is False
    assert session_of(stored, 0.5).complete is False  # shown or amended: still cut short


def as_before_cases_kept_it(path: Path) -> None:
    """Make the register at ``path`` one of :data:`BEFORE_CASES_KEPT_IT`."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for column in ("copies_left_out", "files_found", "screening_complete"):
            db.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        as_before_amendments_noted(db)
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_CASES_KEPT_IT}")


def test_an_older_register_opens_with_the_cases_it_cannot_tell_about_unknown(tmp_path):
    """Its cases read as unknown (an empty ``partial``), not whole; the case a window left
    says what its work row said; a reopened unknown case saved whole stays unknown, since
    the window that reopened it cannot tell."""
    folder = tmp_path / "data"
    with Register(folder) as register:
        signed = Case(CaseFacts(sample_id="S-old"))
        signed.sign("Ann", Counts(), at=AT)
        register.save(signed)
        CaseWork(register).save(cut_short("S-left"))  # the window stopped: its work is left
    as_before_cases_kept_it(folder / FILE_NAME)
    with Register(folder) as register:
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        assert partial_of(register, tmp_path) == {"S-old": ("signed", ""),
                                                  "S-left": ("open, partial", "true")}
        stored = register.load(signed.uid)
        assert stored.screening_complete is None
        stored.case.amend("wrong patient", "Bob")
        work = CaseWork(register)
        work.take(stored)
        work.save(session_of(stored, 0.5))
        assert partial_of(register, tmp_path)["S-old"] == ("open", "")
    assert version == schema_version() > BEFORE_CASES_KEPT_IT


def test_an_older_registers_amendment_left_open_reads_unknown_not_whole(tmp_path):
    """Reopened for an amendment, a case was saved as a batch screened whole (its inputs not
    kept), whatever its screening had been: the step took that work row's word, and a cut-short
    case listed as whole, its re-signed report without a word of the files left."""
    folder = tmp_path / "data"
    with Register(folder) as register:
        work = CaseWork(register)
        work.save(cut_short("S-cut"))
        case = work.case
        case.sign("Ann", Counts(), at=AT)
        work.save(Session([], BatchFacts(sample_id="S-cut"), complete=False, case=case))
        work.drop()
        stored = register.load(case.uid)
        stored.case.amend("wrong patient", "Bob")
        work.take(stored)
        work.save(Session([], BatchFacts(sample_id="S-cut"), complete=True, case=stored.case))
    as_before_cases_kept_it(folder / FILE_NAME)
    with Register(folder) as register:
        assert partial_of(register, tmp_path)["S-cut"] == ("open", "")


def test_a_cut_short_case_reopened_from_the_register_knows_the_files_it_lacks(tmp_path):
    """The image files found lived only in the work row: reopened once the window had
    closed, the case was told short of "some" files, not of the 5 it lacked."""
    with Register(tmp_path / "data") as register:
        uid = signed_cut_short(register, "S-cut")
        stored = register.load(uid)
    assert stored.files_found == 5
    assert session_of(stored, 0.5).extent.not_screened([]) == 5


def test_an_older_register_takes_the_files_found_from_the_work_left(tmp_path):
    """A register of before the cases kept the files found opens, each case's count taken
    from the window's work left on it, else unknown."""
    folder = tmp_path / "data"
    with Register(folder) as register:
        signed_cut_short(register, "S-done")
        CaseWork(register).save(cut_short("S-left"))  # the window stopped: its work is left
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        for column in ("copies_left_out", "files_found"):  # this step's, and a later one's
            db.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        as_before_amendments_noted(db)
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_FILES_FOUND}")
    with Register(folder) as register:
        found = {case.facts.sample_id: register.load(case.uid).files_found
                 for case in register.cases()}
    assert found == {"S-done": None, "S-left": 5}


# -- the image files left out as copies of others ---------------------------------------------
BEFORE_COPIES = 8  # the last schema whose cases did not keep the copies left out
COPIES = LeftOut(3, ("b/x.png (copy of a/x.png)", "b/y.png (copy of a/y.png)"))


def with_copies(sample_id: str) -> Session:
    """A window's whole batch that left 3 files out as copies of others."""
    return Session([], BatchFacts(sample_id=sample_id), extent=Extent(("smear",), files=4,
                                                                      copies=COPIES))


def test_the_copies_left_out_stay_with_a_signed_case_once_no_window_works_on_it(tmp_path):
    """They lived only with the window's work: the case reopened from the register, its
    records said no file was left out."""
    with Register(tmp_path / "data") as register:
        work = CaseWork(register)
        work.save(with_copies("S-1"))
        case = work.case
        case.sign("Ann", Counts(), at=AT)
        work.save(replace(with_copies("S-1"), case=case))  # the window's batch, signed
        work.drop()
        stored = register.load(case.uid)
        (listed,) = register.cases()
        register.export_csv(tmp_path / "lis.csv")
    assert stored.copies == listed.copies == COPIES
    assert session_of(stored, 0.5).extent.copies == COPIES
    assert read_csv(tmp_path / "lis.csv")[0]["copies_left_out"] == "3"


def test_an_older_register_takes_the_copies_from_the_work_left_else_none_known(tmp_path):
    folder = tmp_path / "data"
    with Register(folder) as register:
        register.save(Case(CaseFacts(sample_id="S-old")))
        CaseWork(register).save(with_copies("S-left"))
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        db.execute("ALTER TABLE cases DROP COLUMN copies_left_out")
        for column in ("sources", "extent", "model", "model_sha256"):  # later steps'
            db.execute(f"ALTER TABLE amendments DROP COLUMN {column}")
        db.execute("DROP TABLE withdrawals")
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_COPIES}")
    with Register(folder) as register:
        copies = {case.facts.sample_id: register.load(case.uid).copies
                  for case in register.cases()}
        register.export_csv(tmp_path / "lis.csv")
    assert copies == {"S-old": None, "S-left": COPIES}
    assert {row["sample_id"]: row["copies_left_out"] for row in read_csv(
        tmp_path / "lis.csv")} == {"S-old": "", "S-left": "3"}


def test_work_saved_without_its_copies_reads_them_not_recorded_never_none(tmp_path):
    """Work a window saved before MalariaScope kept the copies left out (no ``copies`` in its
    extent) read back as none left out: its summary CSV said ``copies_left_out,0``."""
    folder = tmp_path / "data"
    with Register(folder) as register:
        CaseWork(register).save(with_copies("S-left"))
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        db.execute("UPDATE work SET state = json_remove(state, '$.extent.copies')")
        db.execute("UPDATE cases SET copies_left_out = NULL")  # as step 9 found it
    with Register(folder) as register:
        work = CaseWork(register)
        session = work.load()
        assert session.extent.copies is None
        work.save(session)  # the window's next save keeps it unknown
        (case,) = register.cases()
    assert case.copies is None
    report = tmp_path / "left.csv"
    with ReportWriter(report, session.facts) as writer:
        writer.copies = session.extent.copies
    summary, _ = read_summary(summary_path(report))
    assert (summary["copies_left_out"], summary["copies_left_out_names"]) == ("", "")
    assert Session.from_dict({}, []).extent.copies is None  # a session folder's, likewise


BEFORE_COPIES_BY_FOLDER = 18  # the last schema whose copies were counted by place only


def test_a_register_holding_copies_by_folder_is_too_new_for_a_build_before_them(tmp_path):
    """A case's copies named by folder (``LeftOut.in_folders``) reached a register whose
    version a build of schema 18 opens: that build could list none of its cases ("unknown
    copies fields in_folders"), not saying the register was a newer version's."""
    by_folder = replace(COPIES, in_folders=(("/slides/b", ("x.png", "y.png", "z.png")),))
    session = replace(with_copies("S-folders"), extent=Extent(("smear",), files=4,
                                                              copies=by_folder))
    with Register(tmp_path) as register:
        CaseWork(register).save(session)
        assert register.load(register.cases()[0].uid).copies == by_folder
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
    assert version == schema_version() > BEFORE_COPIES_BY_FOLDER
