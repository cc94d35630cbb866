"""``cases list`` over a register of many cases: every case, in the same words and JSON as
ever, read one at a time."""

from __future__ import annotations

import json

import pytest

from malariascope.cli.cases import _as_json
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import Register
from tests.command_line import cli
from tests.core.test_register_scale import add_cases, held_at_once


@pytest.mark.parametrize("as_json", [False, True])
def test_cases_list_prints_every_case_holding_a_few_at_a_time(tmp_path, monkeypatch, capsys,
                                                               as_json):
    """`cases list` built every case's summary before its first line: 130 MB for a year's
    25,000 cases."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    with Register(tmp_path / "data") as register:
        add_cases(register, 1_000)
        listed = register.cases()
    with held_at_once(monkeypatch) as most:
        run = cli(capsys, "cases", "list", *(["--json"] if as_json else []))
    assert run.code == 0 and most[0] <= 2
    if as_json:  # byte for byte what json.dumps of the whole list printed
        assert run.out == json.dumps([_as_json(case) for case in listed], indent=2) + "\n"
    else:
        lines = run.out.splitlines()
        assert len(lines) == 1_001 and lines[1].split()[:2] == [listed[0].uid[:8], "open"]
        assert " S-00000 " in lines[-1]  # the first saved, last


@pytest.mark.parametrize("as_json", [False, True])
def test_cases_list_of_a_register_with_a_case_it_cannot_read_prints_nothing(
        tmp_path, monkeypatch, capsys, as_json):
    """`cases list --json > cases.json` printed the cases read before the one it could not,
    as half a JSON array, then failed: the file left behind was cut short."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    with Register(tmp_path / "data") as register:
        unreadable = add_cases(register, 1)[0]
        add_cases(register, 3, start=1)  # listed first, the latest changed
        register._db.execute("UPDATE cases SET facts = json_set(facts, '$.target_cells', 5) "
                             "WHERE uid = ?", (unreadable.uid,))
    run = cli(capsys, "cases", "list", *(["--json"] if as_json else []))
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and "cannot be read" in run.err
