"""A window whose autosave comes on while it works (its data folder took no file at start):
the work a run left stays to be offered at the next start, and a case the window saved in
the register itself meanwhile is gone on with, not saved again."""

from __future__ import annotations

import dataclasses

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import CaseSignedError
from malariascope.core.register import CaseQuery, Register
from malariascope.core.register.opening import open_work
from malariascope.core.register.work import CaseWork
from tests.core.test_register import counts_of
from tests.core.test_register_work import grown
from tests.core.test_session import classifier, results, session_of  # noqa: F401


def test_the_work_a_run_left_is_not_taken_over_by_a_window_joining_late(
        tmp_path, results, classifier):  # noqa: F811
    session = session_of(results, classifier)
    with Register(tmp_path) as register:
        left = CaseWork(register)
        left.save(grown(session, 5))  # a run stopped with this case open
        left_uid = left.case.uid
    joined = open_work(tmp_path, offer=False)
    assert joined.session is None and joined.work.case is None
    mine = dataclasses.replace(session, case=Case(CaseFacts(sample_id="S-MINE")))
    joined.work.go_on(mine, counts_of(results, classifier))
    assert {summary.uid: summary.rows for summary in joined.work.register.cases()} == {
        left_uid: 5, mine.case.uid: len(results)}
    joined.work.drop()  # the window closed
    joined.work.register.close()
    again = open_work(tmp_path)
    assert again.session.case.uid == left_uid and len(again.session.results) == 5
    again.work.register.close()


def test_a_case_signed_and_saved_while_autosave_was_off_is_gone_on_with(
        tmp_path, results, classifier):  # noqa: F811
    case = Case(CaseFacts(sample_id="S-OFF"))
    session = session_of(results, classifier, case=case)
    counts = counts_of(results, classifier)
    case.sign("Ann", counts)
    with Register(tmp_path) as register:  # the window saved it itself, as signed
        register.save(case, case.result(counts), cells=session.results, first_row=0,
                      reviews=session.decisions)
        work = CaseWork(register)
        work.go_on(session, counts)  # autosave came on: its first save
        work.save(session, counts)
        work.drop()
        (summary,) = register.cases(CaseQuery(uids=(case.uid,)))
        assert (summary.status, summary.rows) == ("signed", len(results))
        assert len(register.load(case.uid).reviews) == len(session.decisions)
        assert register.work() is None


def test_a_signed_case_saved_whole_by_two_writers_that_read_it_absent_is_kept_once(
        tmp_path, results, classifier):  # noqa: F811
    """The window's own save of a case signed while autosave was off, and autosave's first
    save as it came on, both read the register before either wrote: the second was refused
    as a change to a signed case, though it held that very sign-off and nothing more."""
    case = Case(CaseFacts(sample_id="S-OFF"))
    session = session_of(results, classifier, case=case)
    counts = counts_of(results, classifier)
    case.sign("Ann", counts)
    whole = {"cells": session.results, "first_row": 0, "reviews": session.decisions}
    with Register(tmp_path) as register:
        for _ in range(2):  # each writer gives the whole case, as it found none stored
            assert register.save(case, case.result(counts), **whole) == len(results)
        with pytest.raises(CaseSignedError):  # cells that do not end where the stored end
            register.save(case, cells=session.results[:1], first_row=0)
        (summary,) = register.cases()
        assert (summary.status, summary.rows) == ("signed", len(results))
        assert len(register.load(case.uid).reviews) == len(session.decisions)
