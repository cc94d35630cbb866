"""``malariascope cases``: the register the window writes, listed and exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.facts import BatchFacts
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.tally import Counts, Verdict
from tests.command_line import cli
from tests.reports import read_rows


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def _register_two_cases(folder: Path) -> tuple[Case, Case]:
    counts = Counts()
    for number in range(2000):
        counts.add(Verdict("parasitized" if number < 25 else "uninfected"))
    with Register(folder) as register:
        signed = Case(CaseFacts(sample_id="S-100", patient_id="Amina K.", operator="Ann",
                                collected_on="2026-02-27", rbc_per_ul=5_000_000),
                      "malariascope-cnn 0.1.0 (onnx)", "4a50d307762f84d2" + "0" * 48)
        signed.sign("Ann Lee", counts, at="2026-03-04T10:11:12+00:00")
        register.save(signed, signed.signed.result)
        still_open = Case(CaseFacts(sample_id="=S-101", patient_id="Bo"))
        register.save(still_open)
    return signed, still_open


def test_cases_list_and_export_read_the_register_the_window_writes(data_folder, tmp_path,
                                                                   capsys):
    signed, still_open = _register_two_cases(data_folder)
    table = cli(capsys, "cases", "list")
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0].split()[:3] == ["case", "status", "date"] and len(lines) == 3
    assert lines[2].split() == [signed.uid[:8], "signed", "2026-02-27", "S-100", "Amina",
                                "K.", "2,000", "1.25", "0.85-1.84", "Ann", "Lee"]
    assert lines[1].split()[:2] == [still_open.uid[:8], "open"]
    listed = json.loads(cli(capsys, "cases", "list", "--json").out)
    assert [case["uid"] for case in listed] == [still_open.uid, signed.uid]
    assert listed[1]["result"]["parasitemia"] == pytest.approx(1.25)
    assert listed[1]["result"]["interval"] == pytest.approx([0.848, 1.839], abs=5e-4)
    assert listed[1]["signature"]["name"] == "Ann Lee" and listed[0]["result"] is None

    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).out == f"2 cases exported to {out}\n"
    rows = {row["case_uid"]: row for row in read_rows(out)}
    assert rows[signed.uid]["parasitemia_ci_low"] == "0.848"
    assert rows[still_open.uid]["sample_id"] == "'=S-101"  # never a spreadsheet formula
    again = cli(capsys, "cases", "export", out)
    assert again.code == 2
    assert again.err == f"malariascope: error: {out} exists; choose another name or pass " \
                        "--overwrite\n"


def test_a_case_cut_short_is_listed_as_open_partial(data_folder, capsys):
    """A window's case whose screening stopped before every image was screened was listed as
    plain "open", like one screened whole."""
    with Register(data_folder) as register:
        CaseWork(register).save(Session([], BatchFacts(sample_id="S-cut"), complete=False))
    (line,) = cli(capsys, "cases", "list").out.splitlines()[1:]
    assert line.split()[1:3] == ["open,", "partial"] and line.split()[4] == "S-cut"
    (listed,) = json.loads(cli(capsys, "cases", "list", "--json").out)
    assert (listed["status"], listed["screening_complete"]) == ("open", False)


def test_cases_without_a_register_make_none(data_folder, tmp_path, capsys):
    listed = cli(capsys, "cases", "list")
    assert (listed.code, listed.out) == (0, f"no cases: no case register in {data_folder} "
                                            "yet\n")
    assert cli(capsys, "cases", "list", "--json").out == "[]\n"
    export = cli(capsys, "cases", "export", tmp_path / "lis.csv")
    assert export.code == 2 and export.err.count("\n") == 1 and "nothing to export" in export.err
    assert not data_folder.exists() and not (tmp_path / "lis.csv").exists()


def test_a_damaged_register_is_one_line_set_aside_and_never_recreated(data_folder, capsys):
    data_folder.mkdir()
    (data_folder / FILE_NAME).write_bytes(b"not a database, " * 20)
    run = cli(capsys, "cases", "list")
    assert run.code == 2 and run.err.count("\n") == 1 and not run.out
    assert run.err.startswith(f"malariascope: error: the case register {data_folder / FILE_NAME}"
                              " is not a SQLite database; it was kept as ")
    kept = [path.name for path in data_folder.iterdir()]
    assert len(kept) == 1 and kept[0].startswith("cases-damaged-")
    assert (data_folder / kept[0]).read_bytes() == b"not a database, " * 20


@pytest.mark.parametrize("name", [FILE_NAME, f"{FILE_NAME}-wal"])
def test_the_register_is_never_exported_over_itself(data_folder, capsys, name):
    """'cases export DATA/cases.sqlite --overwrite' wrote the CSV over the register: every
    case lost, the next open set the CSV aside as no database."""
    signed, still_open = _register_two_cases(data_folder)
    with Register(data_folder):  # open, as in the window: its WAL is there
        target = data_folder / name
        before = target.read_bytes()
        run = cli(capsys, "cases", "export", target, "--overwrite")
        assert run.code == 2 and run.err.startswith(f"malariascope: error: {target} is an input")
        assert target.read_bytes() == before
    with Register(data_folder) as register:
        assert {case.uid for case in register.cases()} == {signed.uid, still_open.uid}
