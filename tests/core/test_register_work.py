"""A window's case in progress in the register: saved as it grows, found again after a crash."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3

from malariascope.core.case import Case, CaseFacts
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
