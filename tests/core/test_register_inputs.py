"""What a case was opened from (its inputs, how they were searched, which were cut short), kept
with the case in the register: a case kept for later comes back able to screen the rest."""

from __future__ import annotations

import contextlib
import sqlite3

from malariascope.core.case import Case, CaseFacts
from malariascope.core.extent import UNKNOWN_INPUTS, Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.register import FILE_NAME, Register, schema_version
from malariascope.core.register.batches import session_of
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session

BEFORE_INPUTS = 14  # the last schema whose cases did not keep their inputs


def as_before_inputs(db: sqlite3.Connection) -> None:
    """Take from a register what the schema's steps from the one keeping the cases' inputs
    add, as a register made before them lacks it (a test's register made older)."""
    db.execute("DROP INDEX cases_order")
    db.execute("DROP TABLE discarded")  # a later step's
    db.execute("ALTER TABLE cells DROP COLUMN learned")  # a later step's
    for column in ("changed", "inputs"):
        db.execute(f"ALTER TABLE cases DROP COLUMN {column}")
    db.execute("CREATE INDEX cases_changed ON cases (updated_at, id)")


FIRST, SECOND = "/slides/S-7/first", "/slides/S-7/second"
#: a window's batch kept while ``second`` waited its turn: found, never counted nor screened
WAITING = Extent((FIRST, SECOND), recursive=False, mode="cell", cut_short=(SECOND,))


def kept_waiting(register: Register, sample_id: str) -> str:
    """Keep for later a batch whose second folder waited its turn; the case's uid."""
    work = CaseWork(register)
    work.keep(Session([], BatchFacts(sample_id=sample_id), complete=False, extent=WAITING))
    return register.cases()[0].uid


def test_a_case_kept_while_a_folder_waited_comes_back_with_that_folder_to_screen(tmp_path):
    """The register kept a kept case's sources and files found, not its inputs: reopened, it
    was cut short at "(inputs not known)", and nothing could screen the folder that waited."""
    with Register(tmp_path / "data") as register:
        uid = kept_waiting(register, "S-7")
        assert register.work() is None  # kept: no window's work holds the extent
        batch = session_of(register.load(uid))
    extent = batch.extent.as_saved(batch.complete)
    assert (extent.inputs, extent.recursive, extent.mode) == ((FIRST, SECOND), False, "cell")
    assert extent.rest == (SECOND,) and not batch.complete


def test_a_case_saved_without_inputs_still_reads_them_not_known(tmp_path):
    """A case of a save that names no inputs (a signing window's) is cut short at inputs not
    known, as before the register kept them, never at none."""
    case = Case(CaseFacts(sample_id="S-8"))
    with Register(tmp_path / "data") as register:
        register.save(case, screening_complete=False, files_found=4)
        batch = session_of(register.load(case.uid))
    assert batch.extent.as_saved(batch.complete).cut_short == (UNKNOWN_INPUTS,)


def test_an_older_register_takes_the_inputs_from_the_work_left(tmp_path):
    """A register of before the cases kept their inputs opens, each case's inputs taken from
    the window's work left on it, else not known."""
    folder = tmp_path / "data"
    with Register(folder) as register:
        kept_waiting(register, "S-kept")
        CaseWork(register).save(Session([], BatchFacts(sample_id="S-left"), complete=False,
                                        extent=WAITING))
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        as_before_inputs(db)
        db.execute(f"PRAGMA user_version = {BEFORE_INPUTS}")
    with Register(folder) as register:
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        rest = {case.facts.sample_id: session_of(register.load(case.uid)).extent.as_saved(
            False).cut_short for case in register.cases()}
    assert version == schema_version() > BEFORE_INPUTS
    assert rest == {"S-kept": (UNKNOWN_INPUTS,), "S-left": (SECOND,)}
