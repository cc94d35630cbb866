"""A register opened only to read it (``view``) is never written nor made."""

from __future__ import annotations

import os

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import RegisterError
from malariascope.core.register import FILE_NAME, Register


@pytest.mark.parametrize("made", ["an empty file", "nothing"])
def test_a_view_of_a_register_without_a_case_writes_nothing(tmp_path, made):
    """An empty cases.sqlite read in a view was given a new register's schema, and a view
    of a folder without one made the folder and the file."""
    folder = tmp_path / "data"
    if made == "an empty file":
        folder.mkdir()
        (folder / FILE_NAME).touch()
        os.utime(folder / FILE_NAME, ns=(1_000_000_000, 1_000_000_000))
    with Register(folder, view=True) as register:
        assert register.cases() == [] and register.uids_beginning("") == []
        assert register.nothing_stored == (f"the case register {folder / FILE_NAME} is empty"
                                           if made == "an empty file"
                                           else f"no case register in {folder} yet")
        with pytest.raises(RegisterError, match="cannot save the case"):
            register.save(Case(CaseFacts(sample_id="S-1")))
    if made == "nothing":
        assert not folder.exists()
    else:
        assert [path.name for path in folder.iterdir()] == [FILE_NAME]
        stat = (folder / FILE_NAME).stat()
        assert (stat.st_size, stat.st_mtime_ns) == (0, 1_000_000_000)


def test_a_view_of_a_register_written_says_it_may_hold_cases(tmp_path):
    with Register(tmp_path) as register:
        register.save(Case(CaseFacts(sample_id="S-1")))
    with Register(tmp_path, view=True) as register:
        assert register.nothing_stored == "" and len(register.cases()) == 1
