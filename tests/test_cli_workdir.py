"""``malariascope classify`` given paths relative to a working folder that is deleted while
the batch runs (a USB stick's folder taken away, a colleague's clean-up)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.reports import read_rows, read_summary

PROJECT = Path(__file__).resolve().parents[1]  # the child imports it from any working folder
CWD_DELETED_AFTER_THE_FIRST_ROW = """
import os, shutil, sys
from malariascope.__main__ import main

def deletes_the_working_folder_once_a_row_is_written(frame, event, arg):
    if (event == "return" and frame.f_code.co_name == "add"
            and frame.f_code.co_filename.endswith("report.py")):
        sys.setprofile(None)
        shutil.rmtree(os.getcwd())

sys.setprofile(deletes_the_working_folder_once_a_row_is_written)
sys.exit(main(sys.argv[1:]))
"""


def test_a_working_folder_deleted_mid_batch_gives_error_rows_not_a_traceback(
    tmp_path, cell_test_dir
):
    """The cells not read before the folder went are error rows of a report written in full,
    each named in one line on stderr, and the exit code says some images failed."""
    work = tmp_path / "work"
    cells = sorted((cell_test_dir / "uninfected").glob("*.png"))[:300]
    (work / "slide").mkdir(parents=True)
    for cell in cells:
        shutil.copy(cell, work / "slide" / cell.name)
    out = tmp_path / "report.csv"
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CWD_DELETED_AFTER_THE_FIRST_ROW,
            "classify",
            "slide",
            "--csv",
            str(out),
        ],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in child.stderr, child.stderr
    assert child.returncode == 1, child.stderr
    rows = read_rows(out)
    failed = [row for row in rows if row["status"] == "error"]
    assert len(rows) == len(cells) and 0 < len(failed) < len(cells)
    assert all(f"{Path(row['image_path']).name}:" in child.stderr for row in failed)
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert batch["errors"] == str(len(failed))


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "slide", "--csv", "{out}"],
        ["classify", "{cells}", "--csv", "report.csv"],
        ["classify", "{cells}", "--csv", "{out}", "--gradcam", "overlays"],
        ["evaluate", "test"],
        ["train", "{cells}", "--epochs", "1"],  # its --out is "models" unless given
    ],
    ids=["input", "csv", "gradcam", "evaluate", "train default out"],
)
def test_a_relative_path_from_a_deleted_working_folder_is_refused_in_one_line(
    tmp_path, monkeypatch, capsys, cell_test_dir, args
):
    """A terminal left in a folder since deleted: each path relative to it names nothing, and
    is refused as a usage error that says so, before anything is read or written."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    out = tmp_path / "report.csv"
    given = [arg.format(out=out, cells=cell_test_dir / "uninfected") for arg in args]
    run = cli(capsys, *given)
    assert run.code == 2, run.err
    assert "working folder" in run.err and "no longer exists" in run.err, run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_full_paths_from_a_deleted_working_folder_are_screened(
    tmp_path, monkeypatch, capsys, real_cells
):
    """Only relative paths need the working folder: full ones run from a deleted one."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    out = tmp_path / "report.csv"
    cells = [*real_cells["parasitized"][:2], *real_cells["uninfected"][:2]]
    run = cli(capsys, "classify", *cells, "--csv", out)
    assert run.code == 0, run.err
    assert [row["status"] for row in read_rows(out)] == ["ok"] * 4
