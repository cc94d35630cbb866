"""``malariascope classify`` as a process: a stderr nobody can read, signals, its end.

Each test runs the real program in a child process, since what is under test belongs to the
process: its standard streams, its signal handlers and how it ends.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.images import make_cell_folder, png_claiming_size
from tests.reports import read_rows, read_summary


def classify_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "malariascope", "classify", *map(str, args)]


def run_with_full_stderr(command: list[str]) -> int:
    with open("/dev/full", "w") as full:
        return subprocess.run(command, stderr=full, timeout=300).returncode


def run_with_closed_stderr(command: list[str]) -> int:
    return subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh", *command], timeout=300).returncode


def run_with_broken_pipe(command: list[str]) -> int:
    child = subprocess.Popen(command, stderr=subprocess.PIPE)
    child.stderr.close()  # the reader is gone before the first line
    return child.wait(timeout=300)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full and sh (POSIX)")
@pytest.mark.parametrize("run", [run_with_full_stderr, run_with_closed_stderr,
                                 run_with_broken_pipe], ids=["full", "closed", "broken pipe"])
def test_a_stderr_nobody_can_read_changes_neither_report_nor_exit_code(tmp_path, run):
    """Each problem line (a broken file, a mistyped path) and the totals fail to be written:
    the batch goes on to its report and its exit code."""
    make_cell_folder(tmp_path / "cells", 3)
    (tmp_path / "cells" / "broken.png").write_bytes(b"")
    out = tmp_path / "report.csv"
    code = run(classify_command(tmp_path / "cells", tmp_path / "typo.png", "--csv", out))
    assert code == 1  # an error row and a missing path
    rows = read_rows(out)
    assert sorted(r["status"] for r in rows) == ["error"] * 2 + ["ok"] * 3
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert (batch["classified"], batch["errors"]) == ("3", "2")


def test_an_image_over_20_megapixels_is_refused_before_decoding_by_the_program(tmp_path):
    """OpenCV takes its limit as it loads and the pipeline loaded it before the limit was set:
    classify decoded up to a gigapixel (2.4 GB for one 20,000 px square PNG)."""
    make_cell_folder(tmp_path / "cells", 1)
    (tmp_path / "cells" / "huge.png").write_bytes(png_claiming_size(6_000, 4_000))
    out = tmp_path / "report.csv"
    done = subprocess.run(classify_command(tmp_path / "cells", "--csv", out),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    huge = next(row for row in read_rows(out) if row["image_path"].endswith("huge.png"))
    assert huge["error"].startswith("image too large: over 20 megapixels")
    assert "WARN" not in done.stderr  # refused at the header, not cut short while decoding


def catches(pid: int, number: int) -> bool:
    """True once process ``pid`` has a handler of its own for signal ``number`` (Linux)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) >> (number - 1) & 1)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_closing_the_terminal_stops_evaluate_as_ctrl_c_does(tmp_path):
    """SIGHUP (the terminal closed) killed evaluate, adapt and split outright: only classify
    and train took it as a stop."""
    for name in ("parasitized", "uninfected"):
        make_cell_folder(tmp_path / "cells" / name, 1500)
    child = subprocess.Popen([sys.executable, "-m", "malariascope", "evaluate",
                              tmp_path / "cells"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not catches(child.pid, signal.SIGHUP) and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGHUP)
    _, stderr = child.communicate(timeout=300)
    assert child.returncode == 130 and "interrupted" in stderr, stderr


def _register_listing(folder: Path, patient: str = "Amina K.", cases: int = 3) -> None:
    from malariascope.core.case import Case, CaseFacts
    from malariascope.core.register import Register

    with Register(folder) as register:
        for number in range(cases):
            register.save(Case(CaseFacts(sample_id=f"S-{number}", patient_id=patient)))


def listed_into_a_reader_of_one_line(command: list[str]) -> tuple[int, str]:
    """The exit code and stderr of ``command | head -1``: its reader closes the pipe after
    the first line, whether or not the rest was written by then."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.readline()
    child.stdout.close()  # as head does after its lines
    _, stderr = child.communicate(timeout=120)
    return child.returncode, stderr.decode(errors="replace")


@pytest.mark.parametrize("listing", [["list"], ["list", "--json"]], ids=["table", "json"])
def test_a_listing_piped_into_a_reader_that_stops_early_ends_the_same_every_time(
        tmp_path, monkeypatch, listing):
    """'cases list | head -1' ended in a BrokenPipeError traceback, then in exit 1 when the
    reader left before the listing was written and exit 0 when it left after: which, was up
    to timing. The table (12 kB) fits in the pipe, so either can come first; the JSON
    (140 kB) does not, so the reader always leaves first."""
    from malariascope.core.datadir import DATA_DIR_ENV

    _register_listing(tmp_path / "data", cases=200)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    command = [sys.executable, "-m", "malariascope", "cases", *listing]
    ends = {listed_into_a_reader_of_one_line(command) for _ in range(12)}
    assert ends == {(0, "")}


def run_with_closed_stdout(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *command],
                          stderr=subprocess.PIPE, text=True, timeout=300)


@pytest.mark.skipif(sys.platform == "win32", reason="needs sh (POSIX)")
def test_a_closed_stdout_neither_fails_a_batch_nor_shows_a_traceback(tmp_path):
    """Python has no sys.stdout when the process starts with it closed (a service, a window
    without a console), and every command ended in an AttributeError traceback and exit 1,
    after its work was done."""
    make_cell_folder(tmp_path / "cells", 2)
    out = tmp_path / "report.csv"
    done = run_with_closed_stdout(classify_command(tmp_path / "cells", "--csv", out))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert [row["status"] for row in read_rows(out)] == ["ok", "ok"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_listing_onto_a_full_disk_is_one_line_and_exit_1(tmp_path, monkeypatch):
    """'cases list > file' on a full disk ended in an OSError traceback."""
    from malariascope.core.datadir import DATA_DIR_ENV

    _register_listing(tmp_path / "data")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "malariascope", "cases", "list", "--json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "malariascope: error: cannot write the output: No space left on device (the disk is "
        "full: free some space or choose another location)"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [[], ["classify"], ["cases", "list"]])
def test_help_onto_a_full_disk_is_one_line_and_exit_1(command):
    """`malariascope classify --help > /dev/full` exited 0: argparse passes a failed write
    of the help over."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "malariascope", *command, "--help"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "malariascope: error: cannot write the help: No space left on device (the disk is "
        "full: free some space or choose another location)"])


def test_a_name_stdout_cannot_encode_is_listed_escaped(tmp_path, monkeypatch):
    """Redirected on Windows, stdout takes the ANSI code page (cp1252): 'cases list > file'
    with a patient named in another script ended in a UnicodeEncodeError traceback."""
    from malariascope.core.datadir import DATA_DIR_ENV

    _register_listing(tmp_path / "data", patient="Łukasz 李", cases=1)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setenv("PYTHONIOENCODING", "cp1252")
    done = subprocess.run([sys.executable, "-m", "malariascope", "cases", "list"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert rb"\u0141ukasz \u674e" in done.stdout


def test_a_name_with_a_line_break_or_a_terminal_escape_is_one_escaped_line(
        tmp_path, capsys, real_cells):
    """Names went to stderr as they are: a line break in a file name split its problem in two
    lines, and an escape sequence in one was obeyed by the terminal ('\\x1b[2K\\r' erases the
    line: the file's error was never seen)."""
    shutil.copy(real_cells["parasitized"][0], tmp_path / "cell.png")
    (tmp_path / "two\nlines.png").write_bytes(b"")
    (tmp_path / "hide\x1b[2K\r.png").write_bytes(b"")
    result = cli(capsys, "classify", tmp_path, "--csv", tmp_path / "r.csv")
    assert result.code == 1
    assert result.err.splitlines()[:2] == ["hide\\x1b[2K\\r.png: empty file (0 bytes)",
                                           "two\\nlines.png: empty file (0 bytes)"]
    (tmp_path / "old\nreport.csv").write_text("kept", encoding="utf-8")
    again = cli(capsys, "classify", tmp_path, "--csv", tmp_path / "old\nreport.csv")
    assert again.err == (f"malariascope: error: {tmp_path / 'old'}\\nreport.csv exists; "
                         "choose another name or pass --overwrite\n")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_stop_signal_once_split_has_finished_leaves_its_exit_code_0(tmp_path, name):
    """A SIGTERM that came once `split` had written its whole output killed the process as it
    ended (exit 143): a finished run was told as a stopped one. Here it comes as the program
    returns, as it may at any moment of its teardown."""
    from tests.layouts import write_published

    root = write_published(tmp_path / "cells", infected=4, healthy=1)
    program = ("import os, signal, sys\nfrom malariascope.__main__ import main\n"
               "code = main(sys.argv[1:])\n"
               f"os.kill(os.getpid(), signal.{name})\n"
               "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", program, "split", str(root), "--out",
                             str(tmp_path / "split"), "--test-per-class", "4"],
                            capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("train ") and (tmp_path / "split" / "split.csv").is_file()
