"""A register written by a newer MalariaScope: refused in one line, left where it is, as it is
(its file, its WAL and the data in them), for that version to open again."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.errors import RegisterSetAsideError, RegisterTooNewError
from malariascope.core.register import FILE_NAME, Register, schema_version
from tests.core.test_register import registered

LONG_AGO_NS = 1_500_000_000 * 10**9  # a time no write now leaves on a file

WRITE_NEWER = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute(f"PRAGMA user_version = {sys.argv[2]}")
db.execute("CREATE TABLE from_the_future (id INTEGER)")
db.execute("INSERT INTO from_the_future VALUES (7)")
if sys.argv[3] == "crash":
    os._exit(0)  # the newer version stays in the WAL, as after a crash of the newer app
db.close()  # merged into the file, as the newer app leaves it when it quits
"""


def newer_register(folder: Path, how: str = "quit") -> int:
    """Make the register in ``folder`` (a case of this version's in it) one a newer
    MalariaScope wrote to and then quit (``how``: "quit"), or crashed ("crash": its writes
    only in the WAL); its files dated long ago, so that any write shows. Returns its schema
    version."""
    registered(folder)
    newer = schema_version() + 1
    subprocess.run([sys.executable, "-c", WRITE_NEWER, str(folder / FILE_NAME), str(newer),
                    how], check=True, timeout=60)
    for path in folder.iterdir():
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    return newer


def files_in(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each file's bytes and time of last change, by name; SQLite's index of a WAL (-shm) by
    name only, as any reader may rebuild it."""
    return {path.name: (b"", 0) if path.name.endswith("-shm") else
            (path.read_bytes(), path.stat().st_mtime_ns) for path in folder.iterdir()}


def written_by_the_newer(folder: Path) -> list[tuple[int]]:
    """What the newer MalariaScope stored, read back where it left it."""
    uri = f"{(folder / FILE_NAME).absolute().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return db.execute("SELECT id FROM from_the_future").fetchall()


def assert_the_line(words: str, path: Path, newer: int) -> None:
    """One line: newer MalariaScope, both schema versions, left as it is, what to do."""
    assert "\n" not in words and "Traceback" not in words
    assert f"the case register {path} was written by a newer MalariaScope" in words
    assert f"schema version {newer}; this version's is {schema_version()}" in words
    assert "left as it is: open it with that newer version" in words
    assert f"to start a new register with this one, move {path}" in words


@pytest.mark.parametrize("how", ["quit", "crash"])
def test_a_register_of_a_newer_version_is_refused_and_left_in_place_not_set_aside(tmp_path,
                                                                                   how):
    newer = newer_register(tmp_path, how)
    before = files_in(tmp_path)
    assert (f"{FILE_NAME}-wal" in before) == (how == "crash")
    for view in (False, True):  # the window's autosave; the list and the CLI
        with pytest.raises(RegisterTooNewError) as caught:
            Register(tmp_path, view=view)
        assert not isinstance(caught.value, RegisterSetAsideError)
        assert_the_line(str(caught.value), tmp_path / FILE_NAME, newer)
        assert files_in(tmp_path) == before  # no move, no new register, no checkpoint
    assert written_by_the_newer(tmp_path) == [(7,)]


def test_the_line_names_the_wal_to_move_with_the_file(tmp_path):
    newer_register(tmp_path, "crash")
    with pytest.raises(RegisterTooNewError, match=f"move {tmp_path / FILE_NAME} "
                       rf"\(with {FILE_NAME}-wal and {FILE_NAME}-shm beside it\) to another "
                       "folder yourself"):
        Register(tmp_path)


def test_a_newer_register_is_left_whole_even_when_it_looks_cut_short(tmp_path):
    """This version cannot tell damage in a newer file format from change: the newer
    MalariaScope that wrote it judges it."""
    newer_register(tmp_path)
    path = tmp_path / FILE_NAME
    path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    before = files_in(tmp_path)
    with pytest.raises(RegisterTooNewError):
        Register(tmp_path)
    assert files_in(tmp_path) == before
