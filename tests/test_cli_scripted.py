"""The command line as a lab's nightly job meets it: folders laid out with links, paths made by
a script, output logged or piped; whatever goes wrong is one line and an exit code."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.lockfile import TargetLock
from tests.command_line import cli
from tests.images import write_field
from tests.reports import read_rows
from tests.test_cli_signals import Child, report_open

NOT_FOLLOWED = "a symlink to a folder, not followed inside a folder (name it to screen it)"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need a privilege on Windows")
def test_a_symlinked_folder_inside_a_folder_is_told_not_left_out_unsaid(
        tmp_path, capsys, real_cells):
    """A folder holding the day's images through a symlink (incoming/today -> the scope's
    share) was screened without them, exit 0 and no word of them: the slide's count left
    out every cell of the day. A link to a folder the search reaches anyway, later in the
    same folder or given too, is no loss."""
    incoming, scope = tmp_path / "incoming", tmp_path / "scope"
    for folder in (incoming / "z real", scope):
        folder.mkdir(parents=True)
    shutil.copy(real_cells["parasitized"][0], incoming / "z real" / "cell.png")
    for path in real_cells["uninfected"][:2]:
        shutil.copy(path, scope / path.name)
    (incoming / "a to z").symlink_to(incoming / "z real", target_is_directory=True)
    (incoming / "today").symlink_to(scope, target_is_directory=True)
    report = tmp_path / "report.csv"
    result = cli(capsys, "classify", incoming, "--csv", report)
    assert result.code == 1
    assert f"today: {NOT_FOLLOWED}: not screened\n" in result.err
    assert [(Path(row["image_path"]).name, row["status"]) for row in read_rows(report)] == [
        ("cell.png", "ok"), ("today", "error")]
    result = cli(capsys, "classify", incoming, scope, "--csv", report, "--overwrite")
    assert result.code == 0, result.err
    assert [row["status"] for row in read_rows(report)] == ["ok"] * 3
    (scope / "back").symlink_to(incoming, target_is_directory=True)
    result = cli(capsys, "classify", scope, "--csv", report, "--overwrite", "--no-recursive")
    assert result.code == 0, result.err  # a subfolder left out as asked
    assert [row["status"] for row in read_rows(report)] == ["ok"] * 2


NAME, PATH = "n" * 300 + ".png", "d/" * 2100 + "n.png"  # over 255 bytes, over 4,096
TOO_LONG = {"classify input, a name": ["classify", "{cells}", NAME, "--csv", "r.csv"],
            "classify input, a path": ["classify", "{cells}", PATH, "--csv", "r.csv"],
            "classify --csv, a path": ["classify", "{cells}", "--csv", f"{PATH}.csv"],
            "classify --model, a path": ["classify", "{cells}", "--csv", "r.csv", "--model", PATH],
            "evaluate, a name": ["evaluate", NAME], "evaluate, a path": ["evaluate", PATH]}


@pytest.mark.skipif(sys.platform == "win32", reason="Windows says no such file instead")
@pytest.mark.parametrize("command", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_a_path_too_long_for_the_system_is_one_line_not_a_traceback(
        tmp_path, capsys, real_cells, monkeypatch, command):
    """A name over 255 bytes or a path over 4,096 (a path a script built wrong) ended the
    command in an OSError traceback (ENAMETOOLONG) and exit 1, which means a report written
    with some error rows: the first look at the path raised it. It names nothing, as an
    empty path names nothing: refused before any work."""
    monkeypatch.chdir(tmp_path)
    cells = tmp_path / "cells"
    cells.mkdir()
    shutil.copy(real_cells["parasitized"][0], cells / "cell.png")
    result = cli(capsys, *[arg.format(cells=cells) for arg in command])
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "is too long a path for this system (File name too long)" in result.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full and os.pipe")
def test_the_version_onto_a_full_disk_is_one_line_and_into_a_reader_gone_none():
    """`malariascope --version >> log` on a full disk ended in Python's "Exception ignored
    ... OSError" notice and exit 120, and `--version | head -0` so with BrokenPipeError:
    argparse's version action leaves a failed write to Python's last flush."""
    command = [sys.executable, "-m", "malariascope", "--version"]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "malariascope: error: cannot write the version: No space left on device (the disk is "
        "full: free some space or choose another location)"])
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left before the first line
    try:
        done = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_a_pdf_another_run_is_writing_is_refused_before_screening(tmp_path, capsys, real_cells):
    """Two runs given one --pdf (a job started twice, two slides' jobs with one name) both
    screened their whole batch: the first to end wrote the PDF, and the other's was refused
    at its end, or with --overwrite replaced it, both exit 0 and one slide's PDF lost. Only
    the CSV's and the summary's places were locked."""
    cells = tmp_path / "cells"
    cells.mkdir()
    shutil.copy(real_cells["parasitized"][0], cells / "cell.png")
    pdf = tmp_path / "slide.pdf"
    other_run = TargetLock(pdf)
    assert other_run.acquire()
    try:
        result = cli(capsys, "classify", cells, "--csv", tmp_path / "r.csv", "--pdf", pdf,
                     "--overwrite")
    finally:
        other_run.release()
    assert result.code == 2
    assert result.err == (f"malariascope: error: another MalariaScope run is writing {pdf} "
                          "now; wait for it to finish or choose another name\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]


def test_the_pdf_stays_locked_until_it_is_placed(tmp_path, capsys, real_cells, monkeypatch):
    """The report's renames let every lock go, the PDF's too, before the PDF was placed:
    while the lines after the totals were written (a stderr pipe that blocks) another run
    could take the PDF's place."""
    from malariascope.cli import screening

    cells = tmp_path / "cells"
    cells.mkdir()
    shutil.copy(real_cells["parasitized"][0], cells / "cell.png")
    pdf, free = tmp_path / "slide.pdf", []
    tell_beside = screening.tell_beside

    def telling(*args) -> None:  # after the report is placed, before the PDF is
        another_run = TargetLock(pdf)
        free.append(another_run.acquire())
        another_run.release()
        tell_beside(*args)

    monkeypatch.setattr(screening, "tell_beside", telling)
    result = cli(capsys, "classify", cells, "--csv", tmp_path / "r.csv", "--pdf", pdf)
    assert (result.code, free) == (0, [False])
    assert pdf.is_file()
    another_run = TargetLock(pdf)
    assert another_run.acquire()  # free again once the run is done
    another_run.release()


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGSTOP (POSIX)")
def test_a_pdf_that_appears_during_the_batch_says_the_csv_was_written(tmp_path):
    """Another program's file at the PDF's name, made while the batch ran, was kept and
    told as "this batch's report was not written", though the CSV report was: a job's log
    sent its reader to run the whole batch again."""
    folder = tmp_path / "fields"
    folder.mkdir()
    for seed in range(2):
        write_field(folder / f"{seed}.png", seed=seed)
    report, pdf = tmp_path / "report.csv", tmp_path / "slide.pdf"
    child = Child(folder, "--csv", report, "--pdf", pdf)
    child.wait_for(lambda: report_open(tmp_path))  # screening begins
    child.interrupt(signal.SIGSTOP)  # held while the file appears, before its PDF is placed
    assert report_open(tmp_path)
    pdf.write_text("another program's", encoding="utf-8")
    child.interrupt(signal.SIGCONT)
    last_line = child.finish().splitlines()[-1]
    assert (child.process.returncode, last_line) == (1, (
        f"malariascope: error: {pdf} appeared while this batch ran and was kept; the PDF was "
        "not written, the CSV report was: run it again with another --pdf or pass --overwrite"))
    assert pdf.read_text(encoding="utf-8") == "another program's"
    assert read_rows(report) and (tmp_path / "report_summary.csv").is_file()
