"""Opening a register while others use it or after they stopped short: one whose last writes
are still in SQLite's WAL (a checkpoint cut short by a crash, a power cut or a full disk, or
running now in another window) opens with every case, never taken for a damaged one and moved
aside, and opening one never waits for another window's write."""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import RegisterWriteError
from malariascope.core.register import Register
from malariascope.core.register.database import FILE_NAME

SAVE_PICTURES_AND_DIE = """
import os, sys
import numpy as np
from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
register = Register(sys.argv[1])
case = Case(CaseFacts(sample_id="S-in-the-wal"))
register.save(case)
noise = np.random.default_rng(0).integers(0, 256, (200, 200, 3), np.uint8)
register.save_pictures(case.uid, {row: noise for row in range(4)})  # pages beyond the file
print(case.uid, flush=True)
os._exit(9)  # no close, no checkpoint
"""
WAL_HEADER, FRAME_HEADER = 32, 24


def checkpoint_cut_short(folder: Path) -> None:
    """Do what a checkpoint does first and then stop, as a crash would: copy the WAL's newest
    page 1 (the header, which counts the grown database's pages) into the file, which is not
    yet extended to hold them."""
    wal = (folder / f"{FILE_NAME}-wal").read_bytes()
    page_size = struct.unpack_from(">I", wal, 8)[0]
    frames = range(WAL_HEADER, len(wal) - FRAME_HEADER - page_size + 1,
                   FRAME_HEADER + page_size)
    newest = [at for at in frames if struct.unpack_from(">I", wal, at)[0] == 1][-1]
    with open(folder / FILE_NAME, "r+b") as database:
        database.write(wal[newest + FRAME_HEADER:newest + FRAME_HEADER + page_size])


def test_a_register_whose_checkpoint_was_cut_short_opens_with_every_case(tmp_path):
    """Its header counted pages still in the WAL, so the file was judged truncated and moved
    aside: the lab's cases seemed gone and a new, empty register began."""
    with Register(tmp_path) as register:
        assert register.cases() == []  # the file exists, its header counting few pages
    child = subprocess.run([sys.executable, "-c", SAVE_PICTURES_AND_DIE, str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    checkpoint_cut_short(tmp_path)
    header = (tmp_path / FILE_NAME).read_bytes()[:100]
    pages = struct.unpack_from(">I", header, 28)[0] * struct.unpack_from(">H", header, 16)[0]
    assert (tmp_path / FILE_NAME).stat().st_size < pages  # as the file looks mid-checkpoint
    with Register(tmp_path) as register:
        stored = register.load(child.stdout.strip())
        assert stored.case.facts.sample_id == "S-in-the-wal"
        assert sorted(register.pictures(stored.case.uid)) == [0, 1, 2, 3]
    assert not list(tmp_path.glob("cases-damaged-*"))


def test_a_register_opens_at_once_while_another_window_writes(tmp_path):
    """Every open began a write transaction to check the schema, so 'cases list' during a
    long save waited 5 s and failed: 'database is locked'."""
    with Register(tmp_path) as register:
        register.save(Case(CaseFacts(sample_id="S-1")))
    writer = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    with contextlib.closing(writer):
        writer.execute("BEGIN IMMEDIATE")  # a save in progress, holding the write lock
        with Register(tmp_path) as register:  # not 'database is locked' after 5 s
            assert [case.facts.sample_id for case in register.cases()] == ["S-1"]
        writer.execute("ROLLBACK")


def test_a_register_opening_reads_whether_its_wal_holds_writes_once(tmp_path, monkeypatch):
    """Opening asked twice whether the WAL held writes (for the schema version, then for the
    length check): answers of two moments, which a checkpoint in another window between them
    can make disagree, the length then judged on a header the version was not read with."""
    from malariascope.core.register import database, version

    asked: list[str] = []
    real = version.wal_not_empty

    def counted(path: Path) -> bool:
        asked.append(str(path))
        return real(path)

    monkeypatch.setattr(version, "wal_not_empty", counted)
    monkeypatch.setattr(database, "wal_not_empty", counted)
    with Register(tmp_path) as writing:  # open: its writes stay in the WAL
        writing.save(Case(CaseFacts(sample_id="S-1")))
        assert real(tmp_path / FILE_NAME)
        asked.clear()
        with Register(tmp_path) as register:
            assert [case.facts.sample_id for case in register.cases()] == ["S-1"]
    assert asked == [str(tmp_path / FILE_NAME)]


def test_a_register_opens_whole_when_a_checkpoint_ends_as_its_wal_is_looked_at(tmp_path,
                                                                              monkeypatch):
    """Opening read the header, then whether the WAL held writes: a checkpoint under way at
    the first read and ended at the second (another window's last connection closing, the
    WAL merged and removed) had the header's page count judged against the file's length
    before it grew, and a whole register moved aside as truncated."""
    from malariascope.core.register import database

    with Register(tmp_path) as register:
        assert register.cases() == []
    child = subprocess.run([sys.executable, "-c", SAVE_PICTURES_AND_DIE, str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    checkpoint_cut_short(tmp_path)  # the file as a checkpoint under way leaves it
    real = database.wal_not_empty

    def checkpoint_ends(path: Path) -> bool:
        if (tmp_path / f"{FILE_NAME}-wal").exists():
            with contextlib.closing(sqlite3.connect(path)) as other:  # its last connection
                other.execute("SELECT count(*) FROM sqlite_master").fetchone()
            assert not (tmp_path / f"{FILE_NAME}-wal").exists()  # merged and removed
        return real(path)

    monkeypatch.setattr(database, "wal_not_empty", checkpoint_ends)
    with Register(tmp_path) as register:
        stored = register.load(child.stdout.strip())
        assert sorted(register.pictures(stored.case.uid)) == [0, 1, 2, 3]
    assert not list(tmp_path.glob("cases-damaged-*"))


def test_a_register_whose_files_cannot_be_made_just_now_is_refused_as_passing(tmp_path):
    """A register SQLite could not open for want of its write-ahead log (a disk too full for
    it) was refused as for good (a plain RegisterError): a window kept autosave off until
    restarted, though freeing space would have let it open."""
    Register(tmp_path).close()
    wal = tmp_path / f"{FILE_NAME}-wal"
    wal.mkdir()  # stands for the file SQLite cannot make
    with pytest.raises(RegisterWriteError, match="cannot open the case register"):
        Register(tmp_path)
    wal.rmdir()
    Register(tmp_path).close()
