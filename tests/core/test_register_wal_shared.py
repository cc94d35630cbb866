"""The register's WAL deleted while other connections hold the register too (another window,
a `cases` command, a reader): they all go on with the WAL they share, so no save is lost and
every reader sees every save, and a new WAL that cannot be made leaves the register written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import FILE_NAME, Register
from tests.core.test_register_wal_deleted import delete_wal

#: another process holding the register: each line read is a sample id it saves a case of,
#: or "list" (it answers the uids it lists); each answer one line
OTHER = """
import sys
from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
with Register(sys.argv[1], view=sys.argv[2] == "view") as register:
    for line in sys.stdin:
        if line.strip() == "list":
            print(*sorted(summary.uid for summary in register.cases()), flush=True)
        else:
            case = Case(CaseFacts(sample_id=line.strip()))
            register.save(case)
            print(case.uid, flush=True)
"""


class Other:
    """A second process with the register in ``folder`` open (``view``: read only)."""

    def __init__(self, folder: Path, view: bool) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", OTHER, str(folder), "view" if view else "write"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line: str) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{line}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "the other process ended"
        return answer.split()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=120) == 0


@pytest.fixture
def other_process() -> Iterator[list[Other]]:
    """The other processes a test starts, ended when it ends."""
    started: list[Other] = []
    yield started
    for other in started:
        if other.process.poll() is None:
            other.process.kill()
            other.process.wait()


def saved(register: Register, sample_id: str) -> str:
    case = Case(CaseFacts(sample_id=sample_id))
    register.save(case)
    return case.uid


def test_a_save_another_process_made_after_the_wal_was_deleted_is_kept(tmp_path,
                                                                       other_process):
    """This connection opened a new WAL while the other went on writing into the deleted
    one: the last to merge wrote over the other's pages, and B2, saved without a word of
    failure, was gone once both had closed."""
    with Register(tmp_path) as register:
        uids = [saved(register, "A1")]
        other = Other(tmp_path, view=False)
        other_process.append(other)
        uids += other.ask("B1")
        delete_wal(tmp_path)
        uids.append(saved(register, "A2"))
        news = register.news()
        uids.append(saved(register, "A3"))
        uids += other.ask("B2")
        uids.append(saved(register, "A4"))
        uids += other.ask("B3")
        said_again = register.news()
        other.close()
        uids.append(saved(register, "A5"))  # alone now: a new WAL
        restarted = register.news()
    with Register(tmp_path, view=True) as register:
        assert {summary.uid for summary in register.cases()} == set(uids)
    assert "other MalariaScope windows or programs have the register open" in news
    assert said_again == ""
    assert "a new WAL is beside it" in restarted


def test_a_reader_opened_before_the_wal_was_deleted_sees_later_saves(tmp_path,
                                                                     other_process):
    """It kept reading the deleted WAL after this connection opened a new one: the saves
    after the first stayed out of its list for good."""
    with Register(tmp_path) as register:
        uids = [saved(register, "A1")]
        reader = Other(tmp_path, view=True)
        other_process.append(reader)
        assert reader.ask("list") == uids
        delete_wal(tmp_path)
        uids += [saved(register, "A2"), saved(register, "A3")]
        assert reader.ask("list") == sorted(uids)
        uids.append(saved(register, "A4"))
        assert reader.ask("list") == sorted(uids)
        reader.close()


def test_a_new_wal_that_cannot_be_made_leaves_the_register_written(tmp_path):
    """The register was closed and opened again: with its new index blocked by a folder,
    it opened read-only, and each save after failed for the rest of the session."""
    index = tmp_path / f"{FILE_NAME}-shm"
    with Register(tmp_path) as register:
        uids = [saved(register, "S-1")]
        delete_wal(tmp_path)
        index.mkdir()  # in the way of a new index
        uids.append(saved(register, "S-2"))
        news = register.news()
        uids.append(saved(register, "S-3"))
        assert {summary.uid for summary in register.cases()} == set(uids)
        index.rmdir()
        uids.append(saved(register, "S-4"))  # nothing in the way: a new WAL
        restarted = register.news()
        assert (tmp_path / f"{FILE_NAME}-wal").exists()
    assert f"{FILE_NAME}-shm beside it is now another program's" in news
    assert "goes on writing into the deleted WAL" in news
    assert "a new WAL is beside it" in restarted
    with Register(tmp_path, view=True) as register:
        assert {summary.uid for summary in register.cases()} == set(uids)
