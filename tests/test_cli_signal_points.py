"""Ctrl-C and SIGTERM at a set point of ``malariascope classify``: as the report's locks are
taken, and once the first row is written.

Each test runs the real program in a child process that raises the signal itself when a
profile hook sees that point come, so a loaded machine cannot move the signal elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.words import counted
from tests.images import write_field, write_rgb
from tests.reports import read_rows, read_summary

SIGNALS_AS_THE_SUMMARY_LOCK_IS_MADE = """
import os, signal, sys
from malariascope.__main__ import main

def signals_once_the_summary_lock_file_is_open(frame, event, arg):
    if (event == "c_return" and arg is os.open and frame.f_code.co_name == "acquire"
            and "report_summary" in str(frame.f_locals["self"].path)):
        sys.setprofile(None)
        for _ in range(int(sys.argv[1])):  # 1: stop after this image; 2: no, stop now
            signal.raise_signal(signal.SIGINT)

sys.setprofile(signals_once_the_summary_lock_file_is_open)
sys.exit(main(sys.argv[2:]))
"""


def classify_signalled_as_the_report_opens(signals: int, folder: Path, report: Path
                                           ) -> subprocess.CompletedProcess:
    """``classify folder --csv report``, given ``signals`` Ctrl-Cs just after the lock file
    of the report's summary is made."""
    return subprocess.run(
        [sys.executable, "-c", SIGNALS_AS_THE_SUMMARY_LOCK_IS_MADE, str(signals), "classify",
         str(folder), "--csv", str(report)], capture_output=True, text=True, timeout=120)


def test_a_second_ctrl_c_while_the_report_opens_leaves_no_lock_file(tmp_path):
    """Both Ctrl-Cs came while classify took the locks of its report and summary, just after
    the summary's lock file was made: the stop-now KeyboardInterrupt left it behind in the
    technician's folder, and the report's writer was never made to remove it."""
    folder = tmp_path / "fields"
    folder.mkdir()
    write_field(folder / "a.png", seed=0)
    child = classify_signalled_as_the_report_opens(2, folder, tmp_path / "report.csv")
    assert child.returncode == 130, child.stderr
    assert "Traceback" not in child.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fields"]  # no report, no lock


@pytest.mark.parametrize("signals", [1, 2], ids=["stop after the image", "stop now"])
def test_a_stop_asked_while_the_report_opens_wins_over_its_failure(tmp_path, signals):
    """Ctrl-C came while classify took the locks of its report, and the summary's lock was
    then refused (another run holds it): the ReportBusyError hid the stop asked for, and the
    run ended in exit 2, not 130. No image was screened, so either stop ends it at once; the
    report's own lock is removed."""
    from malariascope.core.lockfile import TargetLock

    folder = tmp_path / "fields"
    folder.mkdir()
    write_field(folder / "a.png", seed=0)
    held = TargetLock(tmp_path / "report_summary.csv")
    assert held.acquire()  # another run writes that summary
    try:
        child = classify_signalled_as_the_report_opens(signals, folder, tmp_path / "report.csv")
        others = sorted(p.name for p in tmp_path.iterdir() if p != held.path)
    finally:
        held.release()
    assert child.returncode == 130, child.stderr
    assert child.stderr.endswith("malariascope: interrupted\n"), child.stderr
    assert others == ["fields"]  # no report, no lock of its own


SIGTERM_AFTER_THE_FIRST_ROW = """
import signal, sys
from malariascope.__main__ import main

def signals_once_a_row_is_written(frame, event, arg):
    if (event == "return" and frame.f_code.co_name == "add"
            and frame.f_code.co_filename.endswith("report.py")):
        sys.setprofile(None)
        signal.raise_signal(signal.SIGTERM)

sys.setprofile(signals_once_a_row_is_written)
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_stops_after_the_image_as_ctrl_c_does(tmp_path):
    """SIGTERM, raised by the child itself once a.png's first row is written (a signal sent
    from outside could come after the last image on a loaded machine), ends the batch after
    the image under way with a report marked partial, as Ctrl-C does."""
    folder = tmp_path / "fields"
    folder.mkdir()
    for seed, name in enumerate(("a.png", "b.png", "c.png")):
        write_field(folder / name, seed=seed)
    out = tmp_path / "report.csv"
    child = subprocess.run(
        [sys.executable, "-c", SIGTERM_AFTER_THE_FIRST_ROW, "classify", str(folder), "--csv",
         str(out)], capture_output=True, text=True, timeout=120)
    assert child.returncode == 1, child.stderr
    rows = read_rows(out)
    done = sorted({r["image_path"] for r in rows})  # a.png, and b.png if it was under way
    assert done in ([str(folder / "a.png")], [str(folder / n) for n in ("a.png", "b.png")])
    assert {r["batch_complete"] for r in rows} == {"false"}
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    left = 3 - len(done)
    assert (batch["complete"], batch["images_not_screened"]) == ("false", str(left))
    assert f"(interrupted: {counted(left, 'image')} not screened)" in child.stdout, child.stdout
    assert "Traceback" not in child.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fields", "report.csv", "report_summary.csv"]


CTRL_C_AS_THE_FIRST_FIELD_IS_AWAITED = """
import signal, sys
from malariascope.__main__ import main
from malariascope.core import pipeline
from malariascope.core.errors import ScreeningStopped

load = pipeline._load

def load_telling_a_stop(path, *args):
    try:
        return load(path, *args)
    except ScreeningStopped:
        print(f"loader stopped: {path.name}", file=sys.stderr, flush=True)
        raise

def signals_once_the_first_file_is_awaited(frame, event, arg):
    if (event == "call" and frame.f_code.co_name == "result"
            and frame.f_back.f_code.co_name == "_loads"):
        sys.setprofile(None)
        signal.raise_signal(signal.SIGINT)

pipeline._load = load_telling_a_stop
sys.setprofile(signals_once_the_first_file_is_awaited)
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_the_first_field_stops_the_fields_read_ahead(tmp_path):
    """Ctrl-C while a.png, the first of three large fields, was being screened: a.png was kept
    whole, but b.png, screened meanwhile by the other loader, went on to its end before the
    run could stop (108 s to exit at load 10), and its rows were thrown away. Its loader now
    stops at its next step; the report is as it was."""
    import numpy as np

    from tests.images import make_field

    folder = tmp_path / "fields"
    folder.mkdir()
    for seed, name in enumerate(("a.png", "b.png", "c.png")):
        write_rgb(folder / name, np.tile(make_field(seed)[0], (3, 3, 1)))  # seconds each
    out = tmp_path / "report.csv"
    child = subprocess.run(
        [sys.executable, "-c", CTRL_C_AS_THE_FIRST_FIELD_IS_AWAITED, "classify", str(folder),
         "--csv", str(out)], capture_output=True, text=True, timeout=300)
    assert child.returncode == 1, child.stderr
    assert "stopping after this image" in child.stderr
    assert "loader stopped: b.png" in child.stderr  # not screened to its end
    assert "loader stopped: a.png" not in child.stderr
    rows = read_rows(out)
    assert {r["image_path"] for r in rows} == {str(folder / "a.png")}
    assert {(r["status"], r["batch_complete"]) for r in rows} == {("ok", "false")}
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert (batch["complete"], batch["images_not_screened"]) == ("false", "2")
    assert "(interrupted: 2 images not screened)" in child.stdout, child.stdout
    assert "Traceback" not in child.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fields", "report.csv", "report_summary.csv"]
