"""Recovering the cases of a damaged register file: every case read whole is copied into the
register as it was, a case with a row on a damaged page is named and not copied in part, and
the damaged file is only read."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.errors import CaseGoneError, RegisterError, RegisterUnreadableError
from malariascope.core.register import FILE_NAME, Register, schema
from malariascope.core.register.recover import recover
from tests.core.test_register import AT, case_of, counts_of, decision
from tests.core.test_session import assert_same_results, classifier, results  # noqa: F401

CASES = 12
DAMAGED_CASE = 7  # its cells, on pages in the middle of the file
OPEN_CASES = 60


def page_size(path: Path) -> int:
    """The page size the file's header gives (SQLite's header, at byte 16)."""
    size = struct.unpack_from(">H", path.read_bytes(), 16)[0]
    return 65536 if size == 1 else size


def damage_page_holding(path: Path, marker: bytes) -> None:
    """Write garbage over the whole page where ``marker`` first appears in ``path``: bytes no
    page of SQLite begins with, so reading that page fails, and always the same."""
    data, size = path.read_bytes(), page_size(path)
    start = data.index(marker) // size * size
    assert start > 0  # never the header and schema page
    with open(path, "r+b") as handle:
        handle.seek(start)
        handle.write(b"\xa5" * size)


def register_lab(folder: Path, results, classifier) -> list[Case]:  # noqa: F811
    """:data:`CASES` cases of the real results, each with its cells named in a folder of
    its own (``case07/``): signed with review decisions, one amended and signed again, one
    open and changed last, every other with pictures kept."""
    cases = []
    with Register(folder) as register:
        for number in range(CASES):
            case = case_of(classifier, sample_id=f"S-{number:02d}")
            cells = [dataclasses.replace(result, path=Path(f"case{number:02d}") /
                                         result.path.name) for result in results]
            ok = [row for row, result in enumerate(cells) if result.ok]
            reviews = [decision(ok[0], "uninfected", "parasitized")]
            register.save(case, cells=cells, first_row=0, reviews=reviews)
            if number != 3:
                case.sign("Ann", counts_of(cells, classifier, {ok[0]: "parasitized"}), at=AT)
                register.save(case)
            if number == 5:
                case.amend("wrong slide id", "Bob", at=AT)
                case.update(sample_id="S-05b")
                case.sign("Bob", counts_of(cells, classifier), at=AT)
                register.save(case)
            if number % 2:
                noise = np.random.default_rng(number).integers(0, 256, (40, 40, 3), np.uint8)
                register.save_pictures(case.uid, {ok[1]: noise})
            cases.append(case)
        cases[3].update(notes="seen again")  # the open case, now the latest changed
        register.save(cases[3])
    return cases


def register_cases(folder: Path) -> list[Case]:
    """:data:`OPEN_CASES` open cases, each with notes long enough that a page holds a few."""
    cases = [Case(CaseFacts(sample_id=f"S-{number:03d}", patient_id=f"P-{number:03d}",
                            notes=f"smear {number} " * 40)) for number in range(OPEN_CASES)]
    with Register(folder) as register:
        for case in cases:
            register.save(case)
    return cases


@pytest.fixture(scope="module")
def lab(tmp_path_factory, results, classifier) -> tuple[Path, Path, list[Case]]:  # noqa: F811
    """A register as written (``whole``), a copy with a page of case 7's cells damaged,
    and its cases."""
    whole = tmp_path_factory.mktemp("whole")
    cases = register_lab(whole, results, classifier)
    damaged = tmp_path_factory.mktemp("aside") / "cases-damaged-20260304-101112-abcdef.sqlite"
    shutil.copyfile(whole / FILE_NAME, damaged)
    damage_page_holding(damaged, f"case{DAMAGED_CASE:02d}/".encode())
    return whole, damaged, cases


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_same_case(whole: Register, recovered: Register, uid: str) -> None:
    before, after = whole.load(uid), recovered.load(uid)
    assert after.case == before.case and after.result == before.result
    assert_same_results(before.cells, after.cells)
    assert after.reviews == before.reviews and after.extent == before.extent
    assert after.screening_complete == before.screening_complete
    assert recovered.pictures(uid).keys() == whole.pictures(uid).keys()
    for row, picture in whole.pictures(uid).items():
        assert np.array_equal(recovered.pictures(uid)[row], picture)


def test_the_cases_read_whole_are_recovered_as_they_were_and_a_damaged_one_named(lab,
                                                                                 tmp_path):
    whole_folder, damaged, cases = lab
    before = digest(damaged)
    recovery = recover(tmp_path, damaged)
    lost = cases[DAMAGED_CASE]
    assert f"S-{DAMAGED_CASE:02d} ({lost.uid[:8]})" in recovery.unreadable
    assert not recovery.present and len(recovery.recovered) + len(recovery.unreadable) == CASES
    assert len(recovery.recovered) >= CASES - 3  # a page holds the cells of 2 cases at most
    assert digest(damaged) == before and [path.name for path in damaged.parent.iterdir()] \
        == [damaged.name]  # nothing beside it either
    with Register(whole_folder, view=True) as whole, Register(tmp_path) as register:
        for uid in recovery.recovered:
            assert_same_case(whole, register, uid)
        assert [case.uid for case in register.cases()] == [  # the list's order kept
            case.uid for case in whole.cases() if case.uid in recovery.recovered]
        assert register.cases()[0].uid == cases[3].uid
        with pytest.raises(CaseGoneError):  # not a part of it
            register.load(lost.uid)
        assert cases[5].uid in recovery.recovered and register.load(cases[5].uid).case.amendments


def test_recovering_again_copies_nothing_and_keeps_the_register_s_own(lab, tmp_path):
    _, damaged, cases = lab
    with Register(tmp_path) as register:  # the register's own copy of case 0: open, unsigned
        own = Case(CaseFacts(sample_id="mine"), uid=cases[0].uid, created_at=AT)
        register.save(own)
    first = recover(tmp_path, damaged)
    assert cases[0].uid in first.present and cases[0].uid not in first.recovered
    again = recover(tmp_path, damaged)
    assert not again.recovered and again.unreadable == first.unreadable
    assert sorted(again.present) == sorted(first.present + first.recovered)
    with Register(tmp_path) as register:
        assert register.load(cases[0].uid).case.facts.sample_id == "mine"
        assert len(register.cases()) == CASES - len(first.unreadable)


def test_a_file_with_no_case_to_read_is_refused_in_words(lab, tmp_path):
    not_a_register = tmp_path / "notes.sqlite"
    not_a_register.write_bytes(b"not a database, " * 300)
    with pytest.raises(RegisterUnreadableError, match="is not a SQLite database"):
        recover(tmp_path / "data", not_a_register)
    whole_folder, _, _ = lab
    with pytest.raises(RegisterError, match="is the case register itself"):
        recover(whole_folder, whole_folder / FILE_NAME)


def test_a_register_cut_short_gives_back_the_cases_before_the_cut(tmp_path):
    cases = register_cases(tmp_path / "whole")
    cut = tmp_path / "cases-damaged-cut.sqlite"
    data = (tmp_path / "whole" / FILE_NAME).read_bytes()
    cut.write_bytes(data[:len(data) * 9 // 10])  # a tenth of its pages gone
    recovery = recover(tmp_path / "data", cut)
    assert 0 < len(recovery.recovered) < OPEN_CASES and recovery.unreadable
    assert cut.read_bytes() == data[:len(data) * 9 // 10]
    with Register(tmp_path / "data") as register:
        for case in cases:
            if case.uid in recovery.recovered:
                assert register.load(case.uid).case == case


def test_a_register_of_an_older_schema_gives_back_its_cases_brought_up_to_date(tmp_path,
                                                                                monkeypatch):
    cases = register_cases(tmp_path / "whole")
    step = "ALTER TABLE cases ADD COLUMN lab TEXT NOT NULL DEFAULT 'main';"
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))  # this version's
    recovery = recover(tmp_path / "data", tmp_path / "whole" / FILE_NAME)
    assert recovery.recovered == [case.uid for case in cases]
    with Register(tmp_path / "data") as register:
        assert [register.load(case.uid).case for case in cases] == cases
        assert register._db.execute("SELECT DISTINCT lab FROM cases").fetchall() == [("main",)]
