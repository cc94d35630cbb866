"""A window's case work in the register: copies read too early, guests, held and kept cases."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3

import pytest

from malariascope.core.clock import local_time
from malariascope.core.errors import CaseHeldError, RegisterError, RegisterWriteError, held_words
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.batches import session_of as as_batch
from malariascope.core.register.opening import open_work
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.tally import Counts
from tests.core.test_register_work import grown
from tests.core.test_session import (  # noqa: F401
    classifier,
    results,
    session_of,
)


def test_a_case_is_not_taken_from_a_copy_older_than_the_register(tmp_path, results,  # noqa: F811
                                                                 classifier):  # noqa: F811
    """A copy read before the last save of the case (in another window, or by this one's
    own save still on its way) is refused, rather than appending the reviews twice."""
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(grown(session, 5))
        uid = work.case.uid
        old = register.load(uid)
        work.keep(session)
        with pytest.raises(RegisterError, match="^Case .+ not opened: it changed in the case "
                           "register after this copy was read; open it again from the "
                           "register$"):
            CaseWork(register).take(old)
        stored = register.load(uid)
        assert len(stored.cells) == len(results) and stored.reviews == session.decisions
        taking = CaseWork(register)
        taking.take(stored)  # read again, it is taken
        taking.save(as_batch(stored, 0.5))
        assert register.load(uid).reviews == session.decisions


def signed_work(register: Register, session: Session) -> CaseWork:
    """A window's work on ``session`` in ``register``, its case (``work.case``) given the
    slide id S-4 and signed by Ann, saved so."""
    work = CaseWork(register)
    work.save(session)
    case = work.case
    case.facts = dataclasses.replace(case.facts, sample_id="S-4")
    case.sign("Ann", Counts(rows=len(session.results), uninfected=len(session.results)))
    work.save(dataclasses.replace(session, case=case))
    return work


def test_a_copy_amended_and_signed_again_since_it_was_read_is_not_taken(
        tmp_path, results, classifier):  # noqa: F811
    """The take counted only cells and review decisions: a signed case amended and signed
    again elsewhere with no cell or review added was taken from a copy that lacked that
    amendment, and every save from it was then refused. The copy is checked as it was read,
    whatever the window did to it since (the window amends its copy before taking it)."""
    with Register(tmp_path) as register:
        work = signed_work(register, session_of(results, classifier))
        case = work.case
        work.drop()
        old = register.load(case.uid)
        elsewhere = register.load(case.uid).case
        elsewhere.amend("patient id mistyped", "Bo")
        elsewhere.update(patient_id="P-7")
        elsewhere.sign("Bo", Counts(rows=len(results), uninfected=len(results)))
        register.save(elsewhere)
        old.case.amend("a cell misread", "Ann")
        with pytest.raises(RegisterError, match="^Case S-4 not opened: it changed"):
            CaseWork(register).take(old)
        with pytest.raises(RegisterError, match="^Case S-4 not opened: it changed"):
            register.check_take(old)  # the check made before the take, the same
        assert register.load(case.uid).case.signed.signature.name == "Bo"
        again = register.load(case.uid)
        again.case.amend("a cell misread", "Ann")
        CaseWork(register).take(again)  # read again (and amended), it is taken


def test_a_sign_off_stored_in_another_json_form_is_the_same_sign_off(
        tmp_path, results, classifier):  # noqa: F811
    """The register compared a copy's sign-off, written out again, with the JSON text it
    held: one held in another form (spacing, key order, escaped letters: as another writer
    of the file may leave it) was taken for another sign-off, so the case could be neither
    amended ("it changed since it was read") nor saved again as it is."""
    with Register(tmp_path) as register:
        work = signed_work(register, session_of(results, classifier))
        case = work.case
        work.drop()
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        text = db.execute("SELECT signed FROM cases WHERE uid = ?", (case.uid,)).fetchone()[0]
        other_form = json.dumps(json.loads(text), indent=1, sort_keys=True)
        assert other_form != text
        db.execute("UPDATE cases SET signed = ? WHERE uid = ?", (other_form, case.uid))
    db.close()
    with Register(tmp_path) as register:
        stored = register.load(case.uid)
        register.check_take(stored)
        register.save(stored.case)  # as it is
        stored.case.amend("a cell misread", "Ann")
        taking = CaseWork(register)
        taking.take(stored)
        taking.save(as_batch(stored, 0.5))
        assert register.load(case.uid).case.amending


def test_a_guest_neither_takes_nor_saves_the_case_a_window_works_on(
        tmp_path, results, classifier):  # noqa: F811
    """A window without autosave amended and saved the signed case the window autosaving to
    the register had open: that window's later amendment was refused at every save, and its
    reviews never reached the register. The guest is refused now, told when the case was
    last saved there, and nothing of it is written; once that window lets the case go, the
    guest's save goes through."""
    with Register(tmp_path) as register:
        work = signed_work(register, session_of(results, classifier))  # its window's work
        case = work.case
        saved_at = json.loads(register.work()[1])["saved_at"]
        guest = register.load(case.uid)
        register.check_take(guest)  # to the window that keeps its work here: its own case
        held = (f"^another MalariaScope window has case S-4 open \\(saved there at "
                f"{re.escape(local_time(saved_at, seconds=True))}\\)")
        with pytest.raises(CaseHeldError, match=held) as refused:
            register.check_take(guest, guest=True)
        assert refused.value.why.startswith("another MalariaScope window has it open")
        guest.case.amend("a cell misread", "Bo")
        with pytest.raises(CaseHeldError, match=held):
            register.save(guest.case, guest=True)
        stored = register.load(case.uid)
        assert stored.case.signed.signature.name == "Ann" and not stored.case.amendments
        work.drop()  # the window goes on to another case: it works on this one no more
        register.save(guest.case, guest=True)
        assert register.load(case.uid).case.amending


def test_a_case_kept_whose_save_is_refused_is_never_deleted_by_the_drop_after(
        tmp_path, results, classifier, monkeypatch):  # noqa: F811
    """Keep for later on a full disk: the keep's save was refused, and the drop that closing
    runs next deleted the case it had promised to keep."""
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(grown(session, 5))
        uid = work.case.uid
        save = Register.save

        def full(*args, **kwargs):
            raise RegisterWriteError("the disk is full")

        monkeypatch.setattr(Register, "save", full)
        with pytest.raises(RegisterWriteError):
            work.keep(session)
        monkeypatch.setattr(Register, "save", save)
        work.drop()
        assert len(register.load(uid).cells) == 5 and register.work() is None


def test_a_taken_case_left_by_a_crash_is_kept_by_the_window_that_restores_it(
        tmp_path, results, classifier):  # noqa: F811
    """A case taken from the register, its window killed, was restored as if begun there:
    its next drop deleted it from the register."""
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(session)
        uid = work.case.uid
        work.keep()
        taking, stored = CaseWork(register), register.load(uid)
        taking.take(stored)
        taking.save(as_batch(stored, 0.5))  # its window's work; then the window is killed
    opened = open_work(tmp_path)
    with opened.work.register:
        assert opened.session.case.uid == uid and opened.work.kept
        opened.work.drop()  # a clean quit of the restored window
    with Register(tmp_path) as register:
        assert len(register.load(uid).cells) == len(results)


def test_a_held_case_saved_at_an_unreadable_time_says_earlier_not_at_earlier():
    """The line read "saved there at earlier" when the holder's save time could not be read."""
    assert "(saved there earlier)" in held_words("not a time")
    assert "(saved there at " in held_words("2026-12-06T10:00:00+00:00")
