"""The windowed executable's entry point and the version every installer is named after."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

import malariascope
from tests.images import make_cell_folder
from tests.installers import PACKAGING, ROOT, load

app_entry = load("app_entry")
build = load("build")
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


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


def crlf_checkout(folder: Path) -> Path:
    """The files the version is read from, with Windows line endings, as a runner checks out."""
    for relative in ("malariascope/__init__.py", "packaging/build.py", "packaging/smoke.py"):
        text = (ROOT / relative).read_text(encoding="utf-8")
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return folder


def test_version_is_read_from_a_crlf_checkout(tmp_path):
    assert build.version(crlf_checkout(tmp_path)) == malariascope.__version__


def test_workflow_version_step_works_on_a_crlf_checkout(tmp_path):
    """The step every installer's name comes from; a sed on CRLF gave an empty version."""
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["bundle"]["steps"]
    script = next(step["run"] for step in steps if step.get("name") == "Version")
    checkout = crlf_checkout(tmp_path / "checkout")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**os.environ, "GITHUB_ENV": str(tmp_path / "github_env"),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([shutil.which("bash"), "-e", "-c", script], cwd=checkout, env=env,
                   check=True, timeout=60)
    assert (tmp_path / "github_env").read_text() == (
        f"MALARIASCOPE_VERSION={malariascope.__version__}\n")
