"""``adapt --case PREFIX``: the case whose uid begins with the prefix, found in SQL."""

from __future__ import annotations

import pytest

from malariascope.core.adapt.registered import open_case
from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import DatasetError
from malariascope.core.register import FILE_NAME, Register

UIDS = ("ab12_x", "ab12yx", "ab12%x", "ab120x", "cd34")


@pytest.fixture
def folder(tmp_path):
    with Register(tmp_path) as register:
        for uid in UIDS:
            register.save(Case(CaseFacts(sample_id=uid), uid=uid))
    return tmp_path


@pytest.mark.parametrize(("prefix", "uid"), [("cd", "cd34"), ("AB12_", "ab12_x"),
                                             ("ab12%", "ab12%x"), ("ab12yx", "ab12yx")])
def test_a_prefix_names_the_one_case_it_begins_and_wildcards_match_themselves(folder, prefix,
                                                                              uid):
    assert open_case(folder, prefix).uid == uid


@pytest.mark.parametrize(("prefix", "said"), [("ab12", "4 cases"), ("ef", "no cases"),
                                              ("ab12_y", "no cases"), ("", "5 cases")])
def test_a_prefix_of_several_cases_or_none_is_refused_saying_how_many(folder, prefix, said):
    with pytest.raises(DatasetError) as refused:
        open_case(folder, prefix)
    assert str(refused.value) == (f"{said} in {folder / FILE_NAME} begin with {prefix!r}: "
                                  "give the case's uid as `cases list` shows it")


def test_a_prefix_is_matched_without_listing_every_case(folder, monkeypatch):
    """The prefix was matched against a list of every case of the register, each built
    whole: 3 s at a year's 25,000 cases, for one uid."""
    listed = []
    listing = Register.listing

    def recorded(register, *args, **kwargs):
        listed.append(args)
        return listing(register, *args, **kwargs)

    monkeypatch.setattr(Register, "listing", recorded)
    assert open_case(folder, "cd").uid == "cd34"
    assert listed == []
