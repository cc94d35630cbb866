"""``malariascope cases`` only reads the register: it reads it where writing cannot be done,
and leaves it as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.cli._common import EXIT_USAGE
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import FILE_NAME
from tests.command_line import Run, cli
from tests.reports import read_rows
from tests.test_cli_cases import register_two_cases
from tests.test_cli_cases_archive import kept_in_the_wal

FULL_AT = 16 * 1024  # bytes a file may reach; SQLite's index of a WAL (-shm) needs 32 KiB


def _on_a_full_disk() -> None:
    """In a child, before it runs the program: no file grows past :data:`FULL_AT`, a write
    beyond it failing (EFBIG) as on a full disk, without the signal that would kill it."""
    import resource  # POSIX only

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FULL_AT, FULL_AT))


def _run_on_a_full_disk(folder: Path, *args: str | Path,
                        code: str = "from malariascope.cli import main; "
                                    "sys.exit(main(sys.argv[1:]))"
                        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"import sys; {code}", *map(str, args)],
                          env={**os.environ, DATA_DIR_ENV: str(folder)}, capture_output=True,
                          text=True, timeout=300, preexec_fn=_on_a_full_disk)


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_cases_list_and_export_read_a_register_on_a_full_disk(tmp_path):
    """On a full disk `cases list` and `cases export` failed with "disk I/O error": the
    folder could be written, so the register was opened to write, and SQLite could not make
    its WAL's index (-shm) beside it."""
    folder = tmp_path / "data"
    uids = {case.uid for case in register_two_cases(folder)}
    before = (folder / FILE_NAME).read_bytes()
    listed = _run_on_a_full_disk(folder, "cases", "list", "--json")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert {case["uid"] for case in json.loads(listed.stdout)} == uids
    out = tmp_path / "lis.csv"
    exported = _run_on_a_full_disk(folder, "cases", "export", out)
    assert (exported.returncode, exported.stderr) == (0, "")
    assert exported.stdout == f"2 cases exported to {out}\n"
    assert {row["case_uid"] for row in read_rows(out)} == uids
    assert (folder / FILE_NAME).read_bytes() == before

    saving = _run_on_a_full_disk(folder, folder, code="from malariascope.core.register import "
                                                      "Register; Register(sys.argv[1])")
    assert saving.returncode == 1 and "RegisterWriteError: cannot open the case register " \
                                      f"{folder / FILE_NAME}: disk I/O error" in saving.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_a_register_on_a_full_disk_with_writes_in_its_wal_alone_is_refused_not_listed_short(
        tmp_path):
    """Read without the index of its WAL (-shm), which the full disk cannot take, the
    register would be read without the writes in its WAL: the list would lack a case."""
    folder = tmp_path / "data"
    register_two_cases(folder)
    kept_in_the_wal(folder)
    (folder / f"{FILE_NAME}-shm").unlink()  # a copy of the folder, as a backup tool makes it
    wal = (folder / f"{FILE_NAME}-wal").read_bytes()
    run = _run_on_a_full_disk(folder, "cases", "list")
    assert run.returncode == 2 and not run.stdout and run.stderr.count("\n") == 1
    assert run.stderr.startswith(f"malariascope: error: the case register {folder / FILE_NAME}"
                                 f" has its last writes in {FILE_NAME}-wal")
    assert "copy the folder" in run.stderr
    assert (folder / f"{FILE_NAME}-wal").read_bytes() == wal


def test_reading_commands_leave_an_empty_register_file_as_it_was(tmp_path, capsys,
                                                                  monkeypatch):
    """`cases list` of an empty cases.sqlite (a `touch`, or a file cut to nothing) wrote a
    new register's schema into it: SQLite takes an empty file for a new database."""
    folder, out = tmp_path / "data", tmp_path / "lis.csv"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    folder.mkdir()
    register = folder / FILE_NAME
    register.touch()
    os.utime(register, ns=(1_000_000_000, 1_000_000_000))
    empty = f"the case register {register} is empty"
    assert cli(capsys, "cases", "list") == Run(0, f"no cases: {empty}\n", "")
    assert cli(capsys, "cases", "list", "--json") == Run(0, "[]\n", "")
    assert cli(capsys, "cases", "export", out) == Run(
        EXIT_USAGE, "", f"malariascope: error: {empty}: nothing to export\n")
    assert cli(capsys, "adapt", "--case", "0a", "--out", tmp_path / "adapted") == Run(
        EXIT_USAGE, "", f"malariascope: error: {empty}: no case 0a to adapt to\n")
    assert [path.name for path in tmp_path.iterdir()] == ["data"]
    assert [path.name for path in folder.iterdir()] == [FILE_NAME]
    assert (register.stat().st_size, register.stat().st_mtime_ns) == (0, 1_000_000_000)
