"""``malariascope cases``: the register the window writes, listed and exported."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.cli._common import EXIT_USAGE
from malariascope.core.case import Case, CaseFacts
from malariascope.core.clock import local_day
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.facts import BatchFacts
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.tally import Counts, Verdict
from tests.command_line import Run, cli
from tests.core.test_amendment import WHOLE, amended, save_whole
from tests.core.test_case import counts as amended_counts
from tests.core.test_register_newer import assert_the_line, files_in, newer_register
from tests.reports import read_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def register_two_cases(folder: Path) -> tuple[Case, Case]:
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
    signed, still_open = register_two_cases(data_folder)
    table = cli(capsys, "cases", "list")
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0].split()[:4] == ["case", "status", "opened", "collected"] and len(lines) == 3
    assert lines[2].split() == [signed.uid[:8], "signed", local_day(signed.created_at),
                                "2026-02-27", "S-100", "Amina", "K.", "2,000", "1.25",
                                "0.85-1.84", "Ann", "Lee"]
    assert lines[1].split()[:4] == [still_open.uid[:8], "open", local_day(still_open.created_at),
                                    "=S-101"]  # no collection date: the column stays blank
    listed = json.loads(cli(capsys, "cases", "list", "--json").out)
    assert [case["uid"] for case in listed] == [still_open.uid, signed.uid]
    assert listed[1]["result"]["parasitemia"] == pytest.approx(1.25)
    assert listed[1]["result"]["interval"] == pytest.approx([0.848, 1.839], abs=5e-4)
    assert listed[1]["signature"]["name"] == "Ann Lee" and listed[0]["result"] is None

    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).out == f"2 cases exported to {out}\n"
    rows = {row["case_uid"]: row for row in read_rows(out)}
    assert rows[signed.uid]["parasitemia_ci_low"] == "0.85"
    assert rows[still_open.uid]["sample_id"] == "'=S-101"  # never a spreadsheet formula
    again = cli(capsys, "cases", "export", out)
    assert again.code == 2
    assert again.err == f"malariascope: error: {out} exists; choose another name or pass " \
                        "--overwrite\n"


def test_cases_export_to_dash_is_refused_not_written_as_a_file_named_dash(
        data_folder, tmp_path, capsys, monkeypatch):
    """'cases export -' wrote the CSV to a file named '-' in the current folder, where a
    reader expecting standard output found nothing; './-' names that file on purpose."""
    register_two_cases(data_folder)
    monkeypatch.chdir(tmp_path)
    result = cli(capsys, "cases", "export", "-")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("malariascope cases export: error: argument OUT.csv: - would be a "
                          "file named '-', not standard output: give a file name (./- for "
                          "that file) (see malariascope cases export --help)\n")
    assert not (tmp_path / "-").exists()
    assert cli(capsys, "cases", "export", "./-").code == 0
    assert len(read_rows(tmp_path / "-")) == 2


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
    data_folder.mkdir()
    listed = cli(capsys, "cases", "list")
    assert (listed.code, listed.out) == (0, f"no cases: no case register in {data_folder} "
                                            "yet\n")
    assert cli(capsys, "cases", "list", "--json").out == "[]\n"
    export = cli(capsys, "cases", "export", tmp_path / "lis.csv")
    assert export.code == 2 and export.err.count("\n") == 1 and "nothing to export" in export.err
    assert not list(data_folder.iterdir()) and not (tmp_path / "lis.csv").exists()


def test_a_data_folder_named_that_does_not_exist_is_told_not_listed_as_empty(
        data_folder, tmp_path, capsys):
    """MALARIASCOPE_DATA_DIR=/nonexistent (a typo, a drive not mounted) gave "no cases: no
    case register in /nonexistent yet" and exit 0, as if the lab had none."""
    words = (f"malariascope: error: the data folder {data_folder} that {DATA_DIR_ENV} names "
             "does not exist: name the folder that holds the case register\n")
    for args in (("cases", "list"), ("cases", "list", "--json"),
                 ("cases", "export", tmp_path / "out.csv"),
                 ("adapt", "--case", "0a", "--out", tmp_path / "adapted")):
        assert cli(capsys, *args) == Run(EXIT_USAGE, "", words), args
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_the_app_s_own_data_folder_not_made_yet_has_no_cases(tmp_path, capsys, monkeypatch):
    from malariascope.core.datadir import data_dir

    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    for home in ("HOME", "USERPROFILE", "APPDATA", "XDG_DATA_HOME"):
        monkeypatch.setenv(home, str(tmp_path / "home"))
    listed = cli(capsys, "cases", "list")
    assert listed == Run(0, f"no cases: no case register in {data_dir()} yet\n", "")
    assert not (tmp_path / "home").exists()


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


@pytest.mark.parametrize(("action", "how"), [(("list",), "quit"), (("list", "--json"), "crash"),
                                           (("export", "lis.csv"), "crash")])
def test_a_register_of_a_newer_version_is_one_line_and_left_as_it_is(data_folder, tmp_path,
                                                                      action, how):
    """`cases` moved a newer version's register aside (and the window began a new one)."""
    newer = newer_register(data_folder, how)
    before = files_in(data_folder)
    run = subprocess.run([sys.executable, "-m", "malariascope", "cases", *action],
                         cwd=tmp_path, env={**os.environ, DATA_DIR_ENV: str(data_folder)},
                         capture_output=True, text=True, timeout=300)
    assert files_in(data_folder) == before and not (tmp_path / "lis.csv").exists()
    assert run.returncode == EXIT_USAGE and not run.stdout and run.stderr.count("\n") == 1
    assert run.stderr.startswith("malariascope: error: the case register ")
    assert_the_line(run.stderr.removeprefix("malariascope: error: ").rstrip("\n"),
                    data_folder / FILE_NAME, newer)


@pytest.mark.parametrize("name", [FILE_NAME, f"{FILE_NAME}-wal"])
def test_the_register_is_never_exported_over_itself(data_folder, capsys, name):
    """'cases export DATA/cases.sqlite --overwrite' wrote the CSV over the register: every
    case lost, the next open set the CSV aside as no database."""
    signed, still_open = register_two_cases(data_folder)
    with Register(data_folder):  # open, as in the window: its WAL is there
        target = data_folder / name
        before = target.read_bytes()
        run = cli(capsys, "cases", "export", target, "--overwrite")
        assert run.code == 2 and run.err.startswith(f"malariascope: error: {target} is an input")
        assert target.read_bytes() == before
    with Register(data_folder) as register:
        assert {case.uid for case in register.cases()} == {signed.uid, still_open.uid}


def test_the_listing_and_export_say_what_the_windows_register_says(data_folder, tmp_path,
                                                                   capsys):
    """`cases list` said "signed" of a case the window lists "signed, amended 1×", and the
    export for the lab's system left out the limit a signed result keeps when its cells
    look unlike the model's."""
    unlike = "The cells look unlike those the model learned from (healthy cells shifted)."
    case = Case(CaseFacts(sample_id="S-7"))
    case.sign("Ann", Counts(), at="2026-03-04T10:11:12+00:00", unlike=unlike)
    with Register(data_folder) as register:
        register.save(case)
        case.amend("patient id mistyped", "Bob", at="2026-03-05T10:00:00+00:00")
        case.sign("Bob", Counts(), at="2026-03-05T10:05:00+00:00", unlike=unlike)
        register.save(case)
    line = cli(capsys, "cases", "list").out.splitlines()[1]
    assert line.split()[1:4] == ["signed,", "amended", "1×"]
    out = tmp_path / "lis.csv"
    cli(capsys, "cases", "export", out)
    (row,) = read_rows(out)
    assert row["unlike_warning"] == unlike and row["amendments"] == "1"


def test_the_json_listing_gives_each_amendment_withdrawn(data_folder, capsys):
    """``cases list --json`` said nothing of an amendment opened and withdrawn: the case read
    as never amended."""
    case = amended(decisions=0)
    with Register(data_folder) as register:
        save_whole(register, case)
        case.withdraw_amendment(case.result(amended_counts()), 0, WHOLE)
        save_whole(register, case)
    (listed,) = json.loads(cli(capsys, "cases", "list", "--json").out)
    (note,) = case.withdrawn
    assert (listed["status"], listed["amendments"], listed["amended"]) == ("signed", 0, [])
    assert listed["withdrawn"] == [{"reason": "wrong slide opened", "by": "Bob",
                                    "opened_at": "2026-03-05T08:00:00+00:00",
                                    "withdrawn_at": note.withdrawn_at}]


def test_a_data_folder_that_is_the_register_file_is_told_not_listed_as_empty(
        tmp_path, capsys, monkeypatch):
    """MALARIASCOPE_DATA_DIR set to the register itself (…/cases.sqlite, not its folder) gave
    "no cases: no case register in …/cases.sqlite yet" and exit 0, as if the lab had none."""
    with Register(tmp_path):
        pass
    register = tmp_path / FILE_NAME
    monkeypatch.setenv(DATA_DIR_ENV, str(register))
    words = f"malariascope: error: the data folder {register} is a file: {DATA_DIR_ENV} names "
    for args in (("cases", "list"), ("cases", "list", "--json"),
                 ("cases", "export", tmp_path / "out.csv"),
                 ("adapt", "--case", "0a", "--out", tmp_path / "adapted")):
        result = cli(capsys, *args)
        assert result.code == EXIT_USAGE and result.out == "", args
        assert result.err.startswith(words) and result.err.count("\n") == 1, args
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]


def test_cases_export_killed_as_it_writes_is_told_at_the_next_start(data_folder, tmp_path):
    """`cases export` recorded no export: one killed left its temporary file for an hour,
    and nobody was told."""
    from malariascope.core.unfinished import clear_unfinished

    register_two_cases(data_folder)
    out = tmp_path / "cases.csv"
    done = subprocess.run([sys.executable, "-m", "tests.gui.export_child", "cases", "export",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert len(list(tmp_path.glob(".cases.csv.*.tmp"))) == 1
    (found,) = clear_unfinished()
    assert found.words().endswith(" did not finish: the malariascope command ended while it "
                                  "was being written. cases.csv was not written.")
    assert sorted(tmp_path.iterdir()) == [data_folder]
    assert clear_unfinished() == []
