"""``malariascope cases`` on an archived register: one this user cannot write, read as it is
and left untouched."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from malariascope.core.case import Case
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import FILE_NAME
from malariascope.core.register.schema import oldest_read_as_is
from tests.core.test_register import SAVE_AND_DIE
from tests.core.test_register_inputs import BEFORE_INPUTS, as_before_inputs
from tests.core.test_register_scale import BEFORE_LIST_INDEXES, as_before_list_indexes
from tests.reports import read_rows
from tests.test_cli_cases import data_folder, register_two_cases  # noqa: F401 (a fixture)

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, capability.h


def _as_a_user() -> None:
    """In a child of root, before it runs the program: drop root's power to write and read
    any file whatever its permissions, which a lab's user never has."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def list_as_reader(folder: Path, *action: str) -> subprocess.CompletedProcess:
    """``cases list --json`` (or ``cases`` with ``action``) on ``folder`` by a process held
    to its permissions (:func:`as_reader`)."""
    words = list(action or ("list", "--json"))
    return as_reader(folder, "import sys; from malariascope.cli import main; "
                             f"sys.exit(main(['cases', *{words!r}]))")


def as_reader(folder: Path, script: str) -> subprocess.CompletedProcess:
    """Python's ``script`` run with ``folder`` as the data folder by a process held to its
    permissions: root without its override when the tests run as root (as in CI's
    containers), else this user."""
    return subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, DATA_DIR_ENV: str(folder)},
        capture_output=True, text=True, timeout=300,
        preexec_fn=_as_a_user if os.geteuid() == 0 else None)


@pytest.fixture
def archive(data_folder: Path) -> Path:  # noqa: F811 (the fixture imported above)
    if os.geteuid() == 0:
        if sys.platform != "linux":
            pytest.skip("root is held to file permissions here only on Linux (capabilities)")
        try:
            subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_as_a_user, check=True)
        except subprocess.SubprocessError:
            pytest.skip("this container does not let root give up its capabilities")
    return data_folder


def kept_in_the_wal(folder: Path) -> str:
    """A case saved by a process that stopped before SQLite merged its WAL into the file (as
    when a register is copied while the app runs); its uid."""
    child = subprocess.run([sys.executable, "-c", SAVE_AND_DIE, str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    return child.stdout.strip()


@pytest.mark.parametrize("made", ["folder", "file", "folder with wal and shm"])
def test_an_archived_register_that_cannot_be_written_is_listed_as_it_is(archive, made):
    """A register in a read-only folder (or a read-only file) was refused: WAL mode needs
    SQLite's -shm file beside it, which could not be made."""
    signed, still_open = register_two_cases(archive)
    uids = {signed.uid, still_open.uid}
    if made == "folder with wal and shm":
        uids.add(kept_in_the_wal(archive))
        shm = archive / f"{FILE_NAME}-shm"
        shm.write_bytes(shm.read_bytes())  # a copy, as a backup tool makes it
    for path in archive.iterdir():
        path.chmod(0o444)
    if made != "file":
        archive.chmod(0o555)
    before = {path.name: path.read_bytes() for path in archive.iterdir()}
    run = list_as_reader(archive)
    assert run.returncode == 0, run.stderr
    assert {case["uid"] for case in json.loads(run.stdout)} == uids
    after = {path.name: path.read_bytes() for path in archive.iterdir()}
    assert after == before or made == "file"  # SQLite's -shm may be made beside a file
    assert (archive / FILE_NAME).read_bytes() == before[FILE_NAME]


def test_an_archive_whose_writes_are_only_in_its_wal_is_refused_not_listed_short(archive):
    """Without its -shm, SQLite can read a read-only folder's register only as immutable,
    which leaves out the writes still in its WAL: the list would lack those cases."""
    register_two_cases(archive)
    kept_in_the_wal(archive)
    (archive / f"{FILE_NAME}-shm").unlink()
    for path in archive.iterdir():
        path.chmod(0o444)
    archive.chmod(0o555)
    run = list_as_reader(archive)
    assert run.returncode == 2 and not run.stdout and run.stderr.count("\n") == 1
    assert "copy the folder" in run.stderr
    assert sorted(path.name for path in archive.iterdir()) == [FILE_NAME, f"{FILE_NAME}-wal"]


def test_an_archive_of_an_older_version_is_refused_untouched(archive):
    """Its schema cannot be brought up to date where it is, and this version's queries may
    not hold for it."""
    register_two_cases(archive)
    with contextlib.closing(sqlite3.connect(archive / FILE_NAME)) as db:
        db.execute(f"PRAGMA user_version = {oldest_read_as_is() - 1}")
    before = (archive / FILE_NAME).read_bytes()
    (archive / FILE_NAME).chmod(0o444)
    archive.chmod(0o555)
    run = list_as_reader(archive)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "older MalariaScope" in run.stderr and "left as it is" in run.stderr
    assert [path.name for path in archive.iterdir()] == [FILE_NAME]
    assert (archive / FILE_NAME).read_bytes() == before


#: the cases of the first page of the data folder's list, each opened, and how many more
OPEN_A_PAGE = f"""
import json, os
from malariascope.core.register import Register
with Register(os.environ["{DATA_DIR_ENV}"], view=True) as register:
    page = register.page(limit=1)
    opened = [register.load(case.uid).case.facts.sample_id for case in page.cases]
print(json.dumps([opened, page.more]))
"""


#: how a test makes a register older, and the schema version it is then
OLDER = [(as_before_inputs, BEFORE_INPUTS), (as_before_list_indexes, BEFORE_LIST_INDEXES)]


def archived_older(folder: Path, older: Callable[[sqlite3.Connection], None],
                   version: int) -> tuple[Case, Case]:
    """Two cases registered in ``folder``, its register then made ``older`` (of schema
    ``version``) and read-only, as an archive of an older MalariaScope; the cases."""
    cases = register_two_cases(folder)
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        older(db)
        db.execute(f"PRAGMA user_version = {version}")
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    return cases


def files_as_they_are(folder: Path) -> dict[str, tuple[bytes, int]]:
    """The files of ``folder`` by name, each with its bytes and when it was last written."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in folder.iterdir()}


@pytest.mark.parametrize(("older", "version"), OLDER)
def test_an_archive_of_the_version_before_the_inputs_is_read_as_it_is(archive, older, version,
                                                                      tmp_path):
    """The steps that keep a case's inputs, number its saves and note the cases discarded
    change the case tables, and every archive written before them was refused as "written
    by an older MalariaScope", where the version before read it as it is."""
    signed, still_open = archived_older(archive, older, version)
    before = files_as_they_are(archive)
    listed, exported = list_as_reader(archive), tmp_path / "lis.csv"
    export = list_as_reader(archive, "export", str(exported))
    opened = as_reader(archive, OPEN_A_PAGE)
    assert listed.returncode == 0, listed.stderr
    assert [case["uid"] for case in json.loads(listed.stdout)] == [still_open.uid, signed.uid]
    assert export.returncode == 0, export.stderr
    assert [row["case_uid"] for row in read_rows(exported)] == [still_open.uid, signed.uid]
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout) == [["=S-101"], 1]
    assert files_as_they_are(archive) == before

