"""The register after a year of a busy lab: what a case's read and the list do must not grow
with the cases stored (the figures are ``benchmarks/register_year.py``'s)."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import FILE_NAME, CaseQuery, Register, query, schema_version

OPENED = "2026-03-04T10:11:12+00:00"
LIST_INDEXES = ("cases_order", "cases_unnamed")  # the indexes the list reads through
BEFORE_LIST_INDEXES = 13  # the last schema without an index for the list


def drop_list_indexes(db: sqlite3.Connection) -> None:
    """Take from a register the list's indexes, as an archive written before them lacks
    them."""
    for index in LIST_INDEXES:
        db.execute(f"DROP INDEX {index}")


def as_before_list_indexes(db: sqlite3.Connection) -> None:
    """Take from a register the list's indexes and what the schema's steps after the first
    of them add, as a register made before them lacks them (a test's register made
    older)."""
    drop_list_indexes(db)
    db.execute("DROP TABLE discarded")
    db.execute("ALTER TABLE cells DROP COLUMN learned")  # a later step's
    for column in ("changed", "inputs"):
        db.execute(f"ALTER TABLE cases DROP COLUMN {column}")


def add_cases(register: Register, number: int, start: int = 0) -> list[Case]:
    """``number`` signed-to-be cases of their own slides and patients, saved one by one."""
    cases = [Case(CaseFacts(sample_id=f"S-{start + n:05d}", patient_id=f"P-{start + n:05d}"))
             for n in range(number)]
    for case in cases:
        register.save(case)
    return cases


def age(folder: Path) -> None:
    """Date the last change of every case of the register in ``folder`` a minute apart in
    2025, in the order saved: a save now moves its case to the top of the list."""
    with contextlib.closing(sqlite3.connect(folder / FILE_NAME)) as db, db:
        db.execute("UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', "
                   "'2025-01-01', '+' || id || ' minutes')")


def steps(register: Register, call: Callable[[], object]) -> int:
    """How many SQLite virtual machine steps (in hundreds) ``call`` runs on ``register``:
    the work it asks of the database, whatever the machine's speed."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0

    register._db.set_progress_handler(count, 100)
    try:
        call()
    finally:
        register._db.set_progress_handler(None, 0)
    return counted[0]


@contextlib.contextmanager
def held_at_once(monkeypatch) -> Iterator[list[int]]:
    """``[n]``: the most case summaries (``CaseSummary``) alive at once while the block runs."""
    alive, most = [0], [0]
    made = query._summary

    def gone() -> None:
        alive[0] -= 1

    def counted(*row: object) -> object:
        summary = made(*row)
        alive[0] += 1
        most[0] = max(most[0], alive[0])
        weakref.finalize(summary, gone)
        return summary

    monkeypatch.setattr(query, "_summary", counted)
    yield most


def steps_to_load_a_twin(folder: Path, others: int, archive: bool = False) -> int:
    """The steps (:func:`steps`) of reading the third of three cases of one name, saved
    after ``others`` cases, as many named by their slide as by a patient alone; ``archive``:
    in a register without the list's indexes, as one written before them is read."""
    with Register(folder) as register:
        if archive:
            drop_list_indexes(register._db)
        add_cases(register, others // 2)
        for number in range(others - others // 2):
            register.save(Case(CaseFacts(patient_id=f"P-{number:05d}")))
        twins = [Case(CaseFacts(patient_id="P-00917"), created_at=OPENED) for _ in range(3)]
        for case in twins:
            register.save(case)
        assert register.load(twins[2].uid).case.twin == 2
        return steps(register, lambda: register.load(twins[2].uid))


def test_reading_a_case_reads_its_namesakes_not_every_case(tmp_path):
    """A case's read counted the earlier cases of its name with a window function over the
    whole table: 0.11 s a case in a register of 25,000, on every load and take."""
    few = steps_to_load_a_twin(tmp_path / "few", 20)
    many = steps_to_load_a_twin(tmp_path / "many", 3_000)
    assert many <= few + 1


def test_an_archive_without_the_list_indexes_reads_a_case_s_namesakes_by_its_patient(
        tmp_path):
    """Without the index of the cases lacking a slide id, SQLite counted a case's namesakes
    through the slide ids' index, over every such case: a page of an archive of 8,000
    cases, half of them without a slide id, took 2.4 s, a year's register minutes."""
    few = steps_to_load_a_twin(tmp_path / "few", 20, archive=True)
    many = steps_to_load_a_twin(tmp_path / "many", 3_000, archive=True)
    assert many <= few + 1


def test_an_older_register_gains_the_list_indexes_and_keeps_its_names(tmp_path):
    unnamed = [Case(CaseFacts(patient_id="P-00917"), created_at=OPENED) for _ in range(2)]
    with Register(tmp_path) as register:
        for case in unnamed:
            register.save(case)
    with contextlib.closing(sqlite3.connect(tmp_path / FILE_NAME)) as db, db:
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_LIST_INDEXES}")
    with Register(tmp_path) as register:
        indexes = {name for (name,) in register._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        twins = [case.twin for case in reversed(register.cases())]
    assert set(LIST_INDEXES) <= indexes and version == schema_version()
    assert twins == [0, 1]


def test_a_page_is_the_latest_changed_cases_found_and_counts_them_all(tmp_path):
    """The register could only list every case a search found: a year's 25,000 read and
    built in 2.7 s, for a window that shows a screenful of them."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 1_200)
        latest = register.page(limit=500)
        found = register.page(CaseQuery(sample="s-0000"), limit=5)
        beyond = register.page(CaseQuery(patient="P-00007"), limit=500)
    assert latest.total == 1_200 and latest.more == 700
    assert [case.uid for case in latest.cases] == [case.uid for case in reversed(cases[-500:])]
    assert found.total == 10 and [case.uid for case in found.cases] == [
        case.uid for case in reversed(cases[5:10])]
    assert [case.uid for case in beyond.cases] == [cases[7].uid] and beyond.more == 0


def test_a_page_goes_on_after_the_last_case_listed_when_cases_are_saved_between(tmp_path):
    """A page by its place in the list (an OFFSET) lists a case twice, and skips the case
    saved between two pages, which moved to the top; a page after the last case listed
    skips it too unless cases changed since come again."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 1_200)
    age(tmp_path)
    with Register(tmp_path) as register:
        first = register.page(limit=500)
        register.save(cases[3])  # beyond the first page
        register.save(cases[1_100])  # on it
        second = register.page(limit=500, after=first.mark)
        third = register.page(limit=500, after=second.mark)
    uids = [[case.uid for case in page.cases] for page in (first, second, third)]
    assert (first.more, second.more, third.more) == (700, 199, 0)
    assert uids[1] == [cases[1_100].uid, cases[3].uid] + [
        case.uid for case in reversed(cases[200:700])]  # changed since the read, the next 500
    assert uids[2][-199:] == [case.uid for case in reversed(cases[:200]) if case != cases[3]]
    assert set(uids[0] + uids[1] + uids[2]) == {case.uid for case in cases}


def test_an_export_of_many_cases_holds_a_few_at_a_time(tmp_path, monkeypatch):
    """An export built every case's summary before its first row: 25,000 cases took the
    process to 147 MB, and the window's, as it exports in a worker, with them."""
    with Register(tmp_path / "data") as register:
        add_cases(register, 1_000)
        with held_at_once(monkeypatch) as most:
            assert register.export_csv(tmp_path / "all.csv") == 1_000
    assert most[0] <= 2
    assert (tmp_path / "all.csv").read_text(encoding="utf-8-sig").count("\n") == 1_001


def test_the_register_is_free_while_its_export_is_written(tmp_path, monkeypatch):
    """The export wrote its file, fsync on a slow drive included, while it held the
    register: the window's saves through the same register waited for the drive."""
    from malariascope.core.register import export

    register = Register(tmp_path / "data")
    first = add_cases(register, 3)[0]
    write = export.write_bytes_atomic
    loaded: list[str] = []

    def written_while_another_reads(path: Path, data: bytes) -> None:
        reader = threading.Thread(
            target=lambda: loaded.append(register.load(first.uid).case.uid), daemon=True)
        reader.start()
        reader.join(timeout=30)  # a held register keeps the reader waiting until it ends
        assert loaded == [first.uid], "the register was held while the file was written"
        write(path, data)

    monkeypatch.setattr(export, "write_bytes_atomic", written_while_another_reads)
    try:
        assert register.export_csv(tmp_path / "cases.csv") == 3
    finally:
        register.close()
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8-sig").count("S-0000") == 3


def test_a_case_changed_out_of_the_search_between_two_pages_is_told_gone(tmp_path):
    """A case listed by a search, then saved so that the search no longer finds it, came
    neither again nor as gone with the next page: a list of ten rows said "9 cases", one
    row showing the patient the register no longer has."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 30)
    age(tmp_path)
    search = CaseQuery(patient="P-0002")
    with Register(tmp_path) as register:
        first = register.page(search, limit=5)
        moved, kept = cases[27], cases[26]  # both listed on the first page
        moved.facts = dataclasses.replace(moved.facts, patient_id="Q-00027")
        register.save(moved)
        register.save(kept)
        second = register.page(search, limit=5, after=first.mark)
    assert moved.uid in {case.uid for case in first.cases}
    assert second.gone == (moved.uid,) and second.total == 9
    assert kept.uid in {case.uid for case in second.cases}


def test_a_listed_case_discarded_between_two_pages_is_told_gone(tmp_path):
    """An open case listed on the first page, then discarded (a case begun by mistake), was
    not named by the next page: the list kept showing a case the register no longer has.
    Then the list sent every uid it showed with each page (a year's 25,000), to be told
    which of them the register no longer held; the page's mark is enough."""
    with Register(tmp_path) as register:
        cases = add_cases(register, 10)
    age(tmp_path)
    with Register(tmp_path) as register:
        first = register.page(limit=5)
        listed = [case.uid for case in first.cases]
        register.discard(cases[8].uid)
        second = register.page(limit=5, after=first.mark)
    assert cases[8].uid in listed
    assert second.gone == (cases[8].uid,) and second.total == 9
    assert cases[8].uid not in {case.uid for case in second.cases}
