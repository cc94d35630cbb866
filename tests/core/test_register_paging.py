"""The register's list read a page at a time: every case comes, whatever is saved or
discarded between two pages, and whatever the clock says."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from malariascope.core.errors import CaseGoneError
from malariascope.core.register import FILE_NAME, Register, saving, schema_version
from tests.core.test_register_scale import add_cases, age

SET_BACK = "2025-01-01T00:25:00+00:00"  # among the stamps ``age`` gives 30 cases
BEFORE_CHANGE_ORDER = 15  # the last schema that listed the cases by their stamps


def test_a_case_saved_with_the_clock_set_back_between_two_pages_is_not_skipped(
        tmp_path, monkeypatch):
    """The next page went on from the last case's time, with the cases saved since the first
    page's latest time: a case saved with the clock set back between those two times came
    neither again nor after, and the list never showed it."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 30)
    age(tmp_path)
    with Register(tmp_path) as register:
        first = register.page(limit=10)  # the cases saved at 00:21 to 00:30
        monkeypatch.setattr(saving, "utc_now", lambda: SET_BACK)
        register.save(cases[3])  # beyond the first page, now stamped 00:25
        second = register.page(limit=10, after=first.mark)
        third = register.page(limit=10, after=second.mark)
    listed = [case.uid for page in (first, second, third) for case in page.cases]
    assert listed.count(cases[3].uid) == 1
    assert set(listed) == {case.uid for case in cases} and third.more == 0


def test_an_older_register_lists_its_cases_in_the_order_of_their_stamps(tmp_path):
    with Register(tmp_path) as register:
        cases = add_cases(register, 5)
    with contextlib.closing(sqlite3.connect(tmp_path / FILE_NAME)) as db, db:
        db.execute("DROP INDEX cases_order")
        db.execute("DROP TABLE discarded")
        db.execute("ALTER TABLE cases DROP COLUMN changed")
        db.execute("ALTER TABLE cells DROP COLUMN learned")  # a later step's
        db.execute("CREATE INDEX cases_changed ON cases (updated_at, id)")
        db.execute("UPDATE cases SET updated_at = '2025-01-0' || (6 - id) || 'T00:00:00+00:00'")
        db.execute(f"PRAGMA user_version = {BEFORE_CHANGE_ORDER}")
    with Register(tmp_path) as register:
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        listed = [case.uid for case in register.cases()]
        register.save(cases[4])
        latest = register.page(limit=1).cases[0].uid
    assert version == schema_version() > BEFORE_CHANGE_ORDER
    assert listed == [case.uid for case in cases]  # the first saved has the latest stamp
    assert latest == cases[4].uid


def test_a_case_saved_after_the_latest_case_is_discarded_comes_with_the_next_page(tmp_path):
    """The change that discards a case is counted: the save after it is numbered past the
    discarded case's last save, which the page before saw, so it is changed since."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 10)
        first = register.page(limit=5)
        register.discard(cases[-1].uid)  # the latest changed
        register.save(cases[0])  # beyond the first page
        second = register.page(limit=5, after=first.mark)
    assert second.gone == (cases[-1].uid,)
    assert [case.uid for case in second.cases][0] == cases[0].uid
    assert {case.uid for case in first.cases + second.cases} - set(second.gone) == {
        case.uid for case in cases[:-1]}


def test_a_case_discarded_before_a_page_is_not_told_gone_again(tmp_path):
    with Register(tmp_path) as register:
        cases = add_cases(register, 10)
        register.discard(cases[-1].uid)  # the register's latest change
        first = register.page(limit=5)
        second = register.page(limit=5, after=first.mark)
        with pytest.raises(CaseGoneError, match=f"no case {cases[-1].uid[:8]} in "):
            register.load(cases[-1].uid)  # a list that still shows it is told it is gone
    assert second.gone == () and len(first.cases + second.cases) == 9
