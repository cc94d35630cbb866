"""The register's WAL deleted while the register is open (a sync tool, someone tidying the
data folder): SQLite goes on writing into the deleted file, so the next write puts what it
holds into the register file, opens a new WAL, and says so once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import FILE_NAME, Register
from tests.core.test_register import case_of, decision
from tests.core.test_session import assert_same_results, classifier, results  # noqa: F401

LIST_CASES = """
import sys
from malariascope.core.register import Register
with Register(sys.argv[1], view=True) as register:
    print(*(summary.uid for summary in register.cases()))
"""


def delete_wal(folder: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (folder / f"{FILE_NAME}{suffix}").unlink()


def bare_case() -> Case:
    return Case(CaseFacts(sample_id="S-2"))


def as_a_crash_leaves_it(folder: Path, elsewhere: Path) -> Path:
    """A copy of the register file alone: a crash leaves no WAL, the deleted one gone."""
    elsewhere.mkdir()
    shutil.copy(folder / FILE_NAME, elsewhere / FILE_NAME)
    return elsewhere


def test_saves_after_the_wal_was_deleted_reach_the_register_file(tmp_path, results,  # noqa: F811
                                                                 classifier):  # noqa: F811
    """They went into the deleted WAL alone: a crash lost every save since the last
    checkpoint, the first save's cells too, and nothing said so."""
    folder, case = tmp_path / "data", case_of(classifier)
    ok = [row for row, result in enumerate(results) if result.ok]
    reviews = [decision(ok[0], "uninfected", "parasitized")]
    with Register(folder) as register:
        register.save(case, cells=results[:3], first_row=0)
        delete_wal(folder)
        register.save(case, cells=results[3:], first_row=3, reviews=reviews)
        crashed = as_a_crash_leaves_it(folder, tmp_path / "crashed")
    with Register(crashed) as register:
        loaded = register.load(case.uid)
    assert_same_results(results, loaded.cells)
    assert loaded.reviews == reviews


def test_the_register_says_once_it_kept_the_deleted_wal_and_watches_the_new(tmp_path):
    folder, case = tmp_path / "data", bare_case()
    with Register(folder) as register:
        register.save(case)
        delete_wal(folder)
        register.save(case)
        news = register.news()
        assert f"{FILE_NAME}-wal and {FILE_NAME}-shm beside {folder / FILE_NAME}" in news
        assert "every write in its WAL is now in the register file" in news
        assert register.news() == ""  # said once
        assert (folder / f"{FILE_NAME}-wal").exists()  # a new WAL, watched as well
        (folder / f"{FILE_NAME}-wal").unlink()
        case.update(notes="after")
        register.save(case)
        assert f"{FILE_NAME}-wal beside" in register.news()
        crashed = as_a_crash_leaves_it(folder, tmp_path / "crashed")
    with Register(crashed) as register:
        assert register.load(case.uid).case.facts.notes == "after"


def test_another_program_lists_the_case_saved_after_the_wal_was_deleted(tmp_path):
    """It read the register file without the deleted WAL: an empty register."""
    with Register(tmp_path) as register:
        first = bare_case()
        register.save(first)
        delete_wal(tmp_path)
        second = bare_case()
        register.save(second)
        listed = subprocess.run([sys.executable, "-c", LIST_CASES, str(tmp_path)],
                                capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) == {first.uid, second.uid}


def test_a_register_whose_wal_stays_says_nothing(tmp_path):
    with Register(tmp_path) as register:
        register.save(bare_case())
        register.save(bare_case())
        assert register.news() == ""
