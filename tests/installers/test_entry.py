"""The windowed executable's entry point."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

from tests.images import make_cell_folder
from tests.installers import PACKAGING, ROOT, load

app_entry = load("app_entry")


def test_windowed_app_classifies_when_it_has_no_standard_streams(tmp_path):
    """A windowed Windows executable starts with sys.stdout and sys.stderr set to None."""
    make_cell_folder(tmp_path / "cells", 2)
    report = tmp_path / "report.csv"
    code = ("import runpy, sys\n"
            "sys.stdout = sys.stderr = None\n"
            f"sys.argv = ['MalariaScope', 'classify', {str(tmp_path / 'cells')!r}, '--csv', "
            f"{str(report)!r}]\n"
            f"runpy.run_path({str(PACKAGING / 'app_entry.py')!r}, run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with open(report, encoding="utf-8-sig", newline="") as handle:
        assert [row["status"] for row in csv.DictReader(handle)] == ["ok", "ok"]


def test_windowed_app_passes_every_command_through():
    """``MalariaScope evaluate-fields ...`` must not open the window with those as paths."""
    help_text = subprocess.run([sys.executable, "-m", "malariascope", "--help"],
                               capture_output=True, text=True, check=True).stdout
    commands = set(re.search(r"\{([a-z,-]+)\}", help_text).group(1).split(","))
    assert commands <= app_entry.PASS_THROUGH
    for command in commands:
        assert app_entry.app_argv([command, "x"]) == [command, "x"]
    assert app_entry.app_argv(["a.png", "folder"]) == ["gui", "a.png", "folder"]
    assert app_entry.app_argv(["-psn_0_12345"]) == ["gui"]
