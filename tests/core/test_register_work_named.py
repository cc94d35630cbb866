"""A window's case without a slide id, named by its place among the cases opened in its
second: that look-up comes after its save is kept, and never sends the save again."""

from __future__ import annotations

import dataclasses
from typing import NoReturn

import pytest

from malariascope.core.errors import RegisterError
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from tests.core.test_session import classifier, results, session_of  # noqa: F401


def test_a_save_whose_naming_fails_sends_nothing_twice_when_tried_again(
        tmp_path, results, classifier, monkeypatch):  # noqa: F811
    """The look-up of the case's place ran after the register kept the save but before the
    work moved on: when it failed, the write queue's retry saved the batch as another case,
    and the case saved first was left in the register."""
    session = session_of(results, classifier)
    session = dataclasses.replace(session, facts=dataclasses.replace(session.facts,
                                                                     sample_id=""))
    with Register(tmp_path) as register:
        work = CaseWork(register)
        with monkeypatch.context() as gone:
            gone.setattr(Register, "cases", unreachable)
            with pytest.raises(RegisterError):
                work.save(session)
        work.save(session)  # the retry
        (saved,) = register.cases()
        stored = register.load(saved.uid)
        assert work.case.uid == saved.uid and work.case.twin == saved.twin
        assert len(stored.cells) == len(results) and stored.reviews == session.decisions


def unreachable(*args: object) -> NoReturn:
    raise RegisterError("the register cannot be read: the network drive is gone")
