"""A register of an older MalariaScope that this user cannot write (an archive) is read as it
is, through this version's stand-ins for what its schema lacks; every write to it is refused
as a write, in one line that says why, and its files are left as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from malariascope.core.register import FILE_NAME
from tests.test_cli_cases import data_folder  # noqa: F401 (a fixture)
from tests.test_cli_cases_archive import (  # noqa: F401 (the fixture archive)
    OLDER,
    archive,
    archived_older,
    as_reader,
    files_as_they_are,
)

#: each write a Register makes, tried on the data folder's register opened as a view: the
#: type and the words of the error each raised ("" when it went through)
EVERY_WRITE = """
import json, os
import numpy as np
from malariascope.core.case import Case, CaseFacts
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import Register
with Register(os.environ[DATA_DIR_ENV], view=True) as register:
    uid = register.cases()[0].uid
    stored, picture = register.load(uid), np.zeros((4, 4, 3), np.uint8)
    writes = {
        "save a new case": lambda: register.save(Case(CaseFacts(sample_id="S-NEW"))),
        "save a case again": lambda: register.save(stored.case),
        "discard": lambda: register.discard(uid),
        "end the work": lambda: register.end_work(uid),
        "save pictures": lambda: register.save_pictures(uid, {0: picture}),
    }
    refused = {}
    for name, write in writes.items():
        try:
            write()
            refused[name] = ["", ""]
        except Exception as exc:
            refused[name] = [type(exc).__name__, str(exc)]
print(json.dumps(refused))
"""


@pytest.mark.parametrize(("older", "version"), OLDER)
def test_every_write_to_an_archive_of_an_older_version_is_refused_as_a_write(
        archive: Path, older, version):  # noqa: F811
    """A save or a discard reached SQLite, which refused it in its own words ("cannot modify
    cases because it is a view": the case table is this version's stand-in) as a plain
    RegisterError, where a write to any register that cannot be written is a
    RegisterWriteError."""
    archived_older(archive, older, version)
    before = files_as_they_are(archive)
    run = as_reader(archive, EVERY_WRITE)
    assert run.returncode == 0, run.stderr
    refused = json.loads(run.stdout)
    assert list(refused) == ["save a new case", "save a case again", "discard",
                             "end the work", "save pictures"]
    for kind, words in refused.values():
        assert kind == "RegisterWriteError" and "\n" not in words
        assert words.endswith(f"{archive / FILE_NAME}: it is an archive of an older "
                              "MalariaScope, opened read-only; copy its folder somewhere it "
                              "can be written, and open that copy to bring it up to date")
    assert files_as_they_are(archive) == before
