"""A window's case in progress in the register: saved as it grows, found again after a crash."""

from __future__ import annotations

import dataclasses
import itertools
import json
import sqlite3

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.clock import local_time
from malariascope.core.errors import CaseHeldError, RegisterError, RegisterWriteError, held_words
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.batches import session_of as as_batch
from malariascope.core.register.legacy import LEGACY_FOLDER
from malariascope.core.register.opening import open_work
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.tally import Counts
from tests.core.test_register import counts_of
from tests.core.test_session import (  # noqa: F401
    assert_same_results,
    classifier,
    results,
    session_of,
)
from tests.legacy_session import write_legacy_session


def grown(session: Session, rows: int) -> Session:
    """``session`` as it was when it held its first ``rows`` cells, and the reviews made
    before the first one of a later cell."""
    return dataclasses.replace(session, results=session.results[:rows], decisions=list(
        itertools.takewhile(lambda decision: decision.row < rows, session.decisions)))


def assert_same_session(saved: Session, loaded: Session) -> None:
    assert_same_results(saved.results, loaded.results)
    for name in ("facts", "decisions", "unsaved", "complete", "extent"):
        assert getattr(loaded, name) == getattr(saved, name), name
    assert loaded.saved_at


def test_a_batch_saved_as_it_grows_comes_back_whole_after_a_crash(tmp_path, results,  # noqa: F811
                                                                  classifier):  # noqa: F811
    session = session_of(results, classifier)
    register = Register(tmp_path)
    work = CaseWork(register)
    work.save(grown(session, 5), Counts())
    work.save(session, counts_of(results, classifier))
    uid = work.case.uid
    register._db.close()  # as a crash leaves it: nothing dropped, nothing ended
    opened = open_work(tmp_path)
    assert opened.set_aside is None and opened.unreadable is None
    assert_same_session(session, opened.session)
    assert opened.work.case.uid == uid
    (summary,) = opened.work.register.cases()
    assert summary.status == "open" and summary.facts.sample_id == "S-1, ü"
    assert summary.result.cells_counted == sum(result.ok for result in results)
    rows = opened.work.register._db.execute("SELECT count(*) FROM cells").fetchone()[0]
    assert rows == len(results)  # the second save added only the new cells
    opened.work.register.close()


def test_a_restored_case_is_continued_not_saved_again(tmp_path, results,  # noqa: F811
                                                      classifier):  # noqa: F811
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        CaseWork(register).save(grown(session, 8))
    opened = open_work(tmp_path)
    restored = opened.session
    restored.results += session.results[8:]  # the window goes on with the batch it restored
    restored.decisions = list(session.decisions)
    opened.work.save(restored)
    opened.work.register.close()
    again = open_work(tmp_path)
    assert_same_session(session, again.session)
    assert len(again.work.register.cases()) == 1
    again.work.register.close()


def test_a_case_whose_card_threshold_is_not_known_comes_back_not_knowing_it(
        tmp_path, results, classifier):  # noqa: F811
    """A case taken from the register is saved as work without its card's threshold (the
    register keeps only the rule of its calls): after a crash it is still not known, not
    the threshold of whatever model the window had loaded."""
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        CaseWork(register).save(session)
        stored = register.load(register.work()[0])
        taken = as_batch(stored)
        assert taken.facts.default_threshold is None
        work = CaseWork(register)
        work.take(stored)
        work.save(taken)
    opened = open_work(tmp_path)
    assert opened.unreadable is None
    assert opened.session.facts.default_threshold is None
    assert opened.session.facts.rule == session.facts.rule
    opened.work.register.close()


def test_a_new_batch_replaces_the_open_case_and_a_close_leaves_nothing(
        tmp_path, results, classifier):  # noqa: F811
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(grown(session, 6))
        first = work.case.uid
        work.save(dataclasses.replace(session, results=list(session.results[6:]),
                                      decisions=[]))
        assert [case.uid for case in register.cases()] == [work.case.uid] != [first]
        work.drop()
        assert register.cases() == [] and register.work() is None
    assert open_work(tmp_path).session is None


def test_the_windows_case_is_the_one_saved_signed_and_amended(tmp_path, results,  # noqa: F811
                                                               classifier):  # noqa: F811
    case = Case(CaseFacts(sample_id="S-1, ü", patient_id="P-7", target_cells=500))
    session = session_of(results, classifier, case=case)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(grown(session, 4))
        case.sign("Ann", counts_of(results[:4], classifier), at="2026-12-03T10:00:00+00:00")
        work.save(grown(session, 4))
        stored = register.load(case.uid)
        assert stored.case.signed == case.signed and stored.case.facts.patient_id == "P-7"
        assert CaseWork(register).load() is None  # a signed case is not work left to offer
        case.amend("more fields of the slide", "Bob")
        work.save(session)  # the amended case takes the cells added since
        assert CaseWork(register).load().case.amendments == case.amendments
        other = session_of(results[:3], classifier, decisions=[], case=Case())
        work.save(other)  # another case: the first, amended, stays with its signed version
        work.drop()
        assert [(summary.uid, summary.status) for summary in register.cases()] == [
            (case.uid, "open")]
        assert register.work() is None


def test_a_signed_case_stays_when_its_window_lets_it_go(tmp_path, results,  # noqa: F811
                                                        classifier):  # noqa: F811
    case = Case(CaseFacts(sample_id="S-1, ü"))
    session = session_of(results, classifier, case=case)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(session)
        case.sign("Ann", counts_of(results, classifier))
        work.save(session)
        work.drop()
        assert [summary.status for summary in register.cases()] == ["signed"]
        assert register.work() is None


def test_a_damaged_register_is_set_aside_and_a_new_one_begun(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"not a register" * 100)
    opened = open_work(tmp_path)
    assert "not a SQLite database" in str(opened.set_aside)
    assert opened.set_aside.kept_at.read_bytes() == b"not a register" * 100
    assert opened.session is None and opened.work.register.cases() == []
    opened.work.register.close()


def test_work_that_cannot_be_read_back_is_told_once(tmp_path, results, classifier):  # noqa: F811
    with Register(tmp_path) as register:
        CaseWork(register).save(session_of(results, classifier))
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE work SET state = '{\"complete\": \"yes\"}'")
    opened = open_work(tmp_path)
    assert "complete should be bool" in str(opened.unreadable)
    assert opened.session is None and len(opened.work.register.cases()) == 1
    opened.work.register.close()
    assert open_work(tmp_path).unreadable is None


def test_a_batch_left_in_session_files_by_an_earlier_version_is_offered_once(
        tmp_path, results, classifier):  # noqa: F811
    session = session_of(results, classifier)
    write_legacy_session(tmp_path / LEGACY_FOLDER, session)
    opened = open_work(tmp_path)
    assert opened.unreadable is None and not (tmp_path / LEGACY_FOLDER).exists()
    assert_same_session(session, opened.session)
    opened.work.register.close()  # as a crash: the work is left, now in the register
    assert_same_session(session, open_work(tmp_path).session)


def test_session_files_that_cannot_be_read_are_told_and_kept_aside(tmp_path, results,  # noqa: F811
                                                                   classifier):  # noqa: F811
    write_legacy_session(tmp_path / LEGACY_FOLDER, session_of(results, classifier))
    (tmp_path / LEGACY_FOLDER / "state.json").write_bytes(b"{")
    opened = open_work(tmp_path)
    assert "damaged or truncated" in str(opened.unreadable) and opened.session is None
    (aside,) = tmp_path.glob(f"{LEGACY_FOLDER}-unreadable-*")
    assert str(aside) in str(opened.unreadable) and (aside / "state.json").read_bytes() == b"{"
    opened.work.register.close()
    assert open_work(tmp_path).unreadable is None


def test_a_case_kept_for_later_stays_open_unoffered_and_is_taken_back_whole(
        tmp_path, results, classifier):  # noqa: F811
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        work = CaseWork(register)
        work.save(grown(session, 5))
        uid = work.case.uid
        work.keep(session, counts_of(results, classifier))  # saved as it is now, then let go
        assert work.case is None and register.work() is None  # not offered as work left
        work.save(session_of(results[:2], classifier, decisions=[], case=Case()))
        assert {summary.uid: summary.status for summary in register.cases()}[uid] == "open"
        work.drop()  # the next case goes; the kept one stays
        stored = register.load(uid)
        assert len(stored.cells) == len(results) and stored.reviews == session.decisions
        work.take(stored)
        batch = as_batch(stored, 0.5)  # the window's batch of it, a note added
        batch.case.facts = dataclasses.replace(batch.case.facts, notes="finished the next day")
        work.save(batch)
        assert [summary.uid for summary in register.cases()] == [uid]
        assert register.load(uid).case.facts.notes == "finished the next day"
        assert register.work()[0] == uid  # its window's work now: offered after a crash


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
                f"{local_time(saved_at, seconds=True)}\\)")
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
