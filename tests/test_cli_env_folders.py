"""`MALARIASCOPE_MODELS` and `MALARIASCOPE_DATA_DIR` set to a path no system call takes (a
script's variable run together with another, a value pasted twice): one line naming the
variable, exit 2, never a traceback."""

from __future__ import annotations

import os

import pytest

from tests.command_line import cli

TOO_LONG = {"path": "/tmp/" + "a/" * 2_100, "name": "/tmp/" + "a" * 300}


@pytest.mark.parametrize("too_long", TOO_LONG)
@pytest.mark.parametrize("variable, command", [
    ("MALARIASCOPE_MODELS", ["classify", "{cell}", "--csv", "r.csv"]),
    ("MALARIASCOPE_MODELS", ["adapt", "{cell}", "--out", "adapted"]),
    ("MALARIASCOPE_MODELS", ["evaluate", "{cells}"]),
    ("MALARIASCOPE_DATA_DIR", ["cases", "list"]),
    ("MALARIASCOPE_DATA_DIR", ["cases", "export", "cases.csv"]),
    ("MALARIASCOPE_DATA_DIR", ["adapt", "--case", "0123", "--out", "adapted"]),
])
def test_a_variable_too_long_for_a_path_is_told_by_its_name(
        tmp_path, capsys, monkeypatch, real_cells, variable, command, too_long):
    """Each gave the traceback of an OSError: [Errno 36] File name too long."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, TOO_LONG[too_long])
    cell = real_cells["parasitized"][0]
    given = [arg.format(cell=cell, cells=cell.parent.parent) for arg in command]
    result = cli(capsys, *given)
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert result.err.startswith(f"malariascope: error: {variable} is too long a path for "
                                 "this system (File name too long): '/tmp/")
    assert result.err.endswith("'; set it to an existing folder, or unset it for "
                               + ("the bundled model\n" if variable == "MALARIASCOPE_MODELS"
                                  else "the app's own data folder\n"))
    assert len(result.err) < 300 and os.listdir(tmp_path) == []
