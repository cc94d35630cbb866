"""Which cases the register holds, as a window's work knows it: a case whose every save the
register's file refused (another program holding it locked) is in no register yet."""

from __future__ import annotations

import sqlite3

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import RegisterWriteError
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from tests.core.test_register import counts_of
from tests.core.test_session import classifier, results, session_of  # noqa: F401


def test_the_work_tells_which_cases_the_register_holds(tmp_path, results,  # noqa: F811
                                                       classifier):  # noqa: F811
    """A signed case whose every save was refused (another program held the register
    locked) was told as kept "as last saved, not signed", though the register held no copy
    of it: the work now tells a case it saved or read from one it never got there."""
    case = Case(CaseFacts(sample_id="S-1"))
    session = session_of(results, classifier, case=case)
    case.sign("Ann", counts_of(results, classifier))
    with Register(tmp_path) as register:
        work = CaseWork(register)
        locker = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # as another program writing to the register
        try:
            with pytest.raises(RegisterWriteError, match="locked"):
                work.save(session)
        finally:
            locker.rollback()
            locker.close()
        assert not work.holds(case.uid)
        work.save(session)  # tried again once the lock is gone
        other = session_of(results[:3], classifier, decisions=[], case=Case())
        work.save(other)
        assert work.holds(case.uid) and work.holds(other.case.uid)
        work.drop()  # the open case is discarded, the signed one stays
        assert work.holds(case.uid) and not work.holds(other.case.uid)
        assert [summary.uid for summary in register.cases()] == [case.uid]
        taking = CaseWork(register)
        taking.take(register.load(case.uid))
        assert taking.holds(case.uid)
