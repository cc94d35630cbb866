"""Ctrl-C and SIGTERM during ``malariascope classify``: what is kept, what is written, when.

Most tests run the real program in a child process and signal it while it screens; the last
gives it an onnxruntime whose import fails as a Ctrl-C during that import makes it fail.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from malariascope.core.words import counted
from tests.images import make_cell_folder, write_field, write_rgb
from tests.reports import read_rows, read_summary


class Child:
    """``malariascope classify`` in a child process, its stderr read line by line as it comes."""

    def __init__(self, *args: str | Path, ignore: int | None = None) -> None:
        """``ignore``: a signal the child starts ignoring, as under nohup."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "malariascope", "classify", *map(str, args)],
            stderr=subprocess.PIPE, text=True,
            preexec_fn=None if ignore is None else lambda: signal.signal(ignore, signal.SIG_IGN))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, ready, timeout: float = 120) -> None:
        """Until ``ready()`` is true (checked every 20 ms) or the child has ended."""
        deadline = time.monotonic() + timeout
        while not ready() and self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)

    def wait_for_line(self, words: str, timeout: float = 60) -> None:
        """Until a line of stderr holds ``words``."""
        deadline = time.monotonic() + timeout
        while not any(words in line for line in self.seen) and time.monotonic() < deadline:
            try:
                self.seen.append(self.lines.get(timeout=0.1))
            except queue.Empty:
                pass
        assert any(words in line for line in self.seen), "".join(self.seen)

    def interrupt(self, number: int = signal.SIGINT) -> None:
        """Ctrl-C, or another signal."""
        self.process.send_signal(number)

    def finish(self) -> str:
        """Wait for the child to end; all it wrote on stderr."""
        self.process.wait(timeout=60)
        self._reader.join(timeout=10)  # it ends with the child's stderr
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def report_open(folder: Path) -> bool:
    """True once classify holds the lock of ``folder/report.csv``: its Ctrl-C handler is in
    place and screening begins. (Its temporary files tell less: one is made and removed at
    once, before the model loads, to see that the folder takes files.)"""
    return any(folder.glob(".report.csv.*.lock"))


def report_bytes(folder: Path) -> int:
    """The bytes classify has written so far to the temporary file of ``folder/report.csv``."""
    written = 0
    for path in folder.glob(".report.csv.*.tmp"):
        with contextlib.suppress(FileNotFoundError):  # the folder's probe, removed at once
            written += path.stat().st_size
    return written


@pytest.mark.parametrize("number", [signal.SIGINT, getattr(signal, "SIGHUP", None)],
                         ids=["ctrl-c", "terminal closed"])
def test_ctrl_c_stops_cleanly_and_keeps_the_rows_done(tmp_path, number):
    """Closing the terminal (SIGHUP) killed the run: no report, its temporary file left."""
    if number is None:
        pytest.skip("no SIGHUP on Windows")
    make_cell_folder(tmp_path / "cells", 3000)
    out = tmp_path / "report.csv"
    child = Child(tmp_path / "cells", "--csv", out)
    child.wait_for(lambda: report_bytes(tmp_path) > 20_000)
    child.interrupt(number)
    stderr = child.finish()
    assert child.process.returncode == 1, stderr
    rows = read_rows(out)
    assert 0 < len(rows) < 3000
    assert {(r["status"], r["batch_complete"]) for r in rows} == {("ok", "false")}
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    not_screened = 3000 - len(rows)
    assert (batch["complete"], batch["images_not_screened"]) == ("false", str(not_screened))
    assert f"(interrupted: {counted(not_screened, 'image')} not screened)" in stderr
    assert "Traceback" not in stderr


def test_a_stopped_batch_with_a_mistyped_path_counts_the_images_it_left(tmp_path):
    """The mistyped path's error row was counted among the images screened, so the images
    a stop left read one fewer (none: the batch said complete)."""
    make_cell_folder(tmp_path / "cells", 3000)
    out = tmp_path / "report.csv"
    child = Child(tmp_path / "cells", tmp_path / "typo.png", "--csv", out)
    child.wait_for(lambda: report_bytes(tmp_path) > 20_000)
    child.interrupt()
    stderr = child.finish()
    rows = read_rows(out)
    screened = [r for r in rows if r["status"] == "ok"]
    assert [r["image_path"] for r in rows if r["status"] == "error"] == [
        str(tmp_path / "typo.png")]  # the path after the stop is found and told too
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert (batch["complete"], batch["images_not_screened"]) == (
        "false", str(3000 - len(screened))), stderr


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on Windows")
def test_a_run_started_with_nohup_goes_on_when_the_terminal_closes(tmp_path):
    """Taken over the SIGHUP that nohup ignores, the terminal closing stopped an overnight run."""
    make_cell_folder(tmp_path / "cells", 600)
    out = tmp_path / "report.csv"
    child = Child(tmp_path / "cells", "--csv", out, ignore=signal.SIGHUP)
    child.wait_for(lambda: report_bytes(tmp_path) > 0)
    child.interrupt(signal.SIGHUP)
    stderr = child.finish()
    assert child.process.returncode == 0, stderr
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert (batch["complete"], batch["classified"]) == ("true", "600")


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_second_ctrl_c_stops_at_once_without_a_report(tmp_path, number):
    """SIGTERM (a logout, a service stopped) killed the run at once, its temporary file left
    behind; it is Ctrl-C's twin."""
    import numpy as np

    from tests.images import make_field

    folder = tmp_path / "fields"
    folder.mkdir()
    write_rgb(folder / "big.png", np.tile(make_field(0)[0], (3, 3, 1)))  # seconds to screen
    child = Child(folder, "--csv", tmp_path / "report.csv")
    child.wait_for(lambda: report_open(tmp_path))  # screening begins
    child.interrupt(number)  # stop after this image...
    # told for either signal: after SIGTERM the line said "Ctrl-C again"
    child.wait_for_line("stopping after this image (Ctrl-C or a stop signal again: stop now")
    child.interrupt(number)  # ...no: stop now
    stderr = child.finish()
    assert child.process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fields"]  # no report, no temp file


def test_a_second_ctrl_c_while_stopping_stops_at_once_and_keeps_the_old_report(tmp_path):
    """The second Ctrl-C is sent once the batch says it has stopped and waits for the files
    being read (c.png takes seconds): it must stop at once and keep the old report, never
    replace it nor be killed by the signal. Timed by sleeps, this test was flaky under load."""
    import numpy as np

    from tests.images import make_field

    folder = tmp_path / "fields"
    folder.mkdir()
    write_rgb(folder / "a.png", np.tile(make_field(0)[0], (3, 3, 1)))  # rows to fill a buffer
    write_field(folder / "b.png", seed=1)
    write_rgb(folder / "c.png", np.tile(make_field(2)[0], (4, 4, 1)))  # seconds to load
    report = tmp_path / "report.csv"
    report.write_text("old report", encoding="utf-8")
    (tmp_path / "report_summary.csv").write_text("old summary", encoding="utf-8")
    child = Child(folder, "--csv", report, "--overwrite")
    child.wait_for(lambda: report_bytes(tmp_path) > 0)  # a.png's rows reach the disk
    child.interrupt()  # stop after this image...
    child.wait_for_line("the report is written once the files being read are done")
    child.interrupt()  # ...no: stop now, while the loaders stop (c.png still loading)
    stderr = child.finish()
    assert child.process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fields", "report.csv", "report_summary.csv"]  # no temporary file, no lock
    assert report.read_text(encoding="utf-8") == "old report"
    assert (tmp_path / "report_summary.csv").read_text(encoding="utf-8") == "old summary"


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


def test_a_report_that_appears_during_the_batch_is_kept(tmp_path):
    """Another program's file at the report's name, made while the batch ran, was replaced
    without --overwrite."""
    folder = tmp_path / "fields"
    folder.mkdir()
    for seed in range(2):
        write_field(folder / f"{seed}.png", seed=seed)
    out = tmp_path / "report.csv"
    child = Child(folder, "--csv", out)
    child.wait_for(lambda: report_open(tmp_path))  # screening begins
    out.write_text("another program's", encoding="utf-8")
    stderr = child.finish()
    assert child.process.returncode == 2, stderr
    assert stderr.endswith(f"malariascope: error: {out} appeared while this batch ran and was "
                           "kept; this batch's report was not written: run it again with "
                           "another name or pass --overwrite\n")
    assert out.read_text(encoding="utf-8") == "another program's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fields", "report.csv"]


def test_a_second_signal_stops_before_the_report_is_renamed_and_not_after():
    """Where the second Ctrl-C lands decides, and nothing else: before the renames it stops
    the batch without a report; during them it is too late and changes nothing, so a report
    is never both replaced and reported as not written (exit 130)."""
    from malariascope.cli.stopping import StopRequests

    before = signal.getsignal(signal.SIGINT)  # ignored when pytest runs as a background job
    placed = []
    with StopRequests() as stops:
        signal.raise_signal(signal.SIGINT)  # stop after this image
        assert stops.stop.is_set()
        stops.commit(lambda: (signal.raise_signal(signal.SIGTERM), placed.append(True)))
    assert placed == [True]
    with StopRequests() as stops, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGINT)  # before the renames: stop now
    assert signal.getsignal(signal.SIGINT) is before  # put back


@pytest.mark.parametrize("how", ["second signal", "nothing screened"])
def test_signals_while_a_stopped_batch_removes_its_files_are_ignored(how):
    """A second Ctrl-C that came while classify removed the new files of a batch it was
    stopping (one stopped before its first image, or by that very Ctrl-C's twin) cut the
    removal short: the report's lock files stayed in its folder."""
    from malariascope.cli.stopping import StopRequests

    removed = []
    with StopRequests() as stops, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)  # stop after this image
        try:
            if how == "second signal":
                signal.raise_signal(signal.SIGINT)  # stop now
            else:
                stops.stop_now()  # as classify does when no image was screened
        except KeyboardInterrupt:
            stops.clean_up(lambda: (signal.raise_signal(signal.SIGINT), removed.append(True)))
            raise
    assert removed == [True]


def test_a_second_ctrl_c_that_a_library_swallows_still_leaves_no_report():
    """The second Ctrl-C landed in importlib's clean-up callback of a module being imported,
    which swallowed it: the batch stopped after the image and its report was written (exit
    0). The report is not placed."""
    from malariascope.cli.stopping import StopRequests

    placed = []
    with StopRequests() as stops:
        signal.raise_signal(signal.SIGINT)  # stop after this image
        try:
            signal.raise_signal(signal.SIGINT)  # stop now...
            sum(range(10))
        except KeyboardInterrupt:
            pass  # ...swallowed
        with pytest.raises(KeyboardInterrupt):
            stops.commit(lambda: placed.append(True))
    assert placed == []


SWALLOWED_SECOND_SIGNAL = """
import signal, weakref
from malariascope.cli.stopping import {taker}

class Loader:
    pass

with {taker}() as stops:
    {first}
    loader = Loader()
    # the stop lands in a weakref callback, which Python cannot raise from
    gone = weakref.ref(loader, lambda _: signal.raise_signal(signal.SIGINT))
    del loader
    print("went on", stops.stop.is_set(), flush=True)
    {last}
"""


@pytest.mark.parametrize("taker", ["StopRequests", "StopAtOnce"])
def test_a_stop_that_lands_in_a_weakref_callback_prints_no_traceback(taker):
    """The second Ctrl-C of classify (or train's first) that came while a weakref callback ran
    (a loader thread let go) was printed as "Exception ignored in ..." with a traceback, under
    the batch's own "interrupted" line."""
    first = "signal.raise_signal(signal.SIGINT)" if taker == "StopRequests" else "pass"
    last = "stops.commit(lambda: None)" if taker == "StopRequests" else "raise KeyboardInterrupt"
    script = SWALLOWED_SECOND_SIGNAL.format(taker=taker, first=first, last=last)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=60)
    assert child.stdout == "went on True\n"
    assert child.returncode != 0 and child.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "Exception ignored" not in child.stderr, child.stderr


def test_a_second_sigterm_while_train_removes_what_it_made_is_ignored():
    """Every SIGTERM to `train` raised, so a second one while the run removed its new --out
    folder could cut that short and leave the folder behind."""
    from malariascope.cli.stopping import StopAtOnce

    removed = []
    with StopAtOnce() as stops, pytest.raises(KeyboardInterrupt):
        try:
            signal.raise_signal(signal.SIGTERM)
            sum(range(10))
        except KeyboardInterrupt:
            signal.raise_signal(signal.SIGTERM)  # while the folder is removed
            sum(range(10))
            removed.append(True)
            raise
    assert removed == [True] and stops.stop.is_set()


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
    assert f"(interrupted: {counted(left, 'image')} not screened)" in child.stderr, child.stderr
    assert "Traceback" not in child.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fields", "report.csv", "report_summary.csv"]


def test_sigterm_while_the_model_loads_leaves_no_overlay_folder_or_report(tmp_path):
    """A signal while the model loads stops the batch before its first image: the folder made
    for the overlays is removed again and no report is written."""
    make_cell_folder(tmp_path / "cells", 4)
    overlays, out = tmp_path / "overlays", tmp_path / "report.csv"
    child = Child(tmp_path / "cells", "--csv", out, "--gradcam", overlays)
    child.wait_for(overlays.exists)  # made, proved writable; the model loads next
    child.interrupt(signal.SIGTERM)
    stderr = child.finish()
    assert child.process.returncode == 130, stderr
    assert "malariascope: interrupted" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells"]


ONNXRUNTIME_IMPORTS = {
    # what onnxruntime's extension raises when Ctrl-C lands while it is imported
    "interrupted": "try:\n    raise KeyboardInterrupt\nexcept KeyboardInterrupt:\n"
                   "    raise ImportError('initialization failed')\n",
    # Ctrl-C while code made from text runs (a dataclass's methods): `python -m` ended by SIGINT
    "interrupted in made code": "exec('raise KeyboardInterrupt')\n",
    "broken": "raise ImportError('initialization failed')\n",
}


@pytest.mark.parametrize("how", ONNXRUNTIME_IMPORTS)
def test_ctrl_c_while_onnxruntime_imports_is_not_called_a_missing_onnxruntime(tmp_path, how):
    """The interrupted import ends as Ctrl-C does (exit 130); a broken one stays a one-line
    error (exit 2). Neither writes a report."""
    site = tmp_path / "site" / "onnxruntime"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text(ONNXRUNTIME_IMPORTS[how], encoding="utf-8")
    make_cell_folder(tmp_path / "cells", 2)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(site.parent), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", str(tmp_path / "cells"),
         "--csv", str(tmp_path / "report.csv")],
        env=env, capture_output=True, text=True, timeout=300)
    if how.startswith("interrupted"):
        assert (result.returncode, result.stderr) == (130, "malariascope: interrupted\n")
    else:
        assert result.returncode == 2
        assert result.stderr == "malariascope: error: onnxruntime is not installed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells", "site"]


def test_a_signal_that_cuts_tensorflows_import_short_stops_train(tmp_path):
    """A SIGTERM while TensorFlow is imported can surface as an ImportError of that import
    (a C extension's initialization fails); it ended `train` with a traceback. It is the
    signal: exit 130, one line."""
    site = tmp_path / "site" / "tensorflow"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text(
        "import signal\ntry:\n    signal.raise_signal(signal.SIGTERM)\n    sum(range(10))\n"
        "except KeyboardInterrupt:\n    raise ImportError('initialization failed')\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(site.parent), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "malariascope", "train", str(tmp_path / "cells"), "--out",
         str(tmp_path / "model")], env=env, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr) == (130, "malariascope: interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
