"""An export that a killed window (or a power cut) never finished is told at the next start,
and the temporary and lock files it left beside its target are removed; an export still
running, or another computer's, is left alone, and one that ends leaves no record."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from malariascope.core.lockfile import lock_path
from malariascope.gui.app import start
from malariascope.gui.workers import WorkerGroup
from tests.gui.helpers import MODEL_TIMEOUT_MS, screen_and_wait, wait_for_box
from tests.gui.test_register_dialog import WAIT_MS, dialog, filed  # noqa: F401
from tests.images import make_cell_folder

ROOT = Path(__file__).resolve().parents[2]
FOLDER = "exports"  # the records of exports in progress, in the data folder
TITLE = "Export not finished"

#: an export as the window's worker begins it (recorded, targets locked, the report's
#: temporary file made), then "ready", kept running
EXPORTING = """
import sys, time
from pathlib import Path
from malariascope.core.atomic import temp_beside
from malariascope.core.lockfile import lock_targets
from malariascope.core.unfinished import recorded
report, summary = Path(sys.argv[1]), Path(sys.argv[2])
with recorded(report, summary):
    lock_targets([report, summary])
    temp_beside(report)
    print("ready", flush=True)
    time.sleep(600)
"""


def others_files(folder: Path) -> set[Path]:
    """Files beside a report that are not its export's: a kept-aside old report, and the
    temporary file of another report of a longer name."""
    planted = {folder / ".r.csv.abcd1234.kept", folder / ".r.csv.old.abcd1234.tmp"}
    for path in planted:
        path.write_bytes(b"not ours")
    return planted


def killed_exporting(data_folder: Path, *args: str | Path) -> None:
    """Run ``tests.gui.export_child ARGS``, the app (or a command) killed as it exports a
    report; the record of its export is left in ``data_folder``."""
    done = subprocess.run([sys.executable, "-m", "tests.gui.export_child", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert len(list((data_folder / FOLDER).glob("*.json"))) == 1


def gone_pid() -> int:
    """The pid of a process that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    return ended.pid


def next_start_says(make_window, qtbot) -> str:
    """The words of the box a window started as the app starts shows about exports."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, TITLE)
    text = box.text()
    box.close()
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    return text


def next_start_tells(make_window, qtbot, target: Path) -> str:
    """The words of :func:`next_start_says`, which tell of the export to ``target`` first."""
    text = next_start_says(make_window, qtbot)
    assert text.startswith(f"The export to {target} started at ")
    return text


def test_a_window_killed_while_it_exports_is_told_next_start_and_its_leftovers_removed(
        make_window, qtbot, tmp_path, data_folder):
    """A window killed while it wrote a report over an earlier one left the report's hidden
    temporary file and the locks beside it for an hour, and the next start said nothing."""
    make_cell_folder(tmp_path / "cells", 6)
    out = tmp_path / "out"
    out.mkdir()
    report, summary = out / "r.csv", out / "r_summary.csv"
    report.write_bytes(b"the last slide's report\n")
    summary.write_bytes(b"its summary\n")
    planted = others_files(out)
    killed_exporting(data_folder, tmp_path / "cells", report)
    assert lock_path(report).exists() and len(list(out.glob(".r.csv.*.tmp"))) == 2

    text = next_start_tells(make_window, qtbot, report)
    assert text.endswith(" did not finish: the window closed while it was being written. "
                         "The earlier r.csv is kept as it was. "
                         "The earlier r_summary.csv is kept as it was.")
    assert set(out.iterdir()) == {report, summary, *planted}
    assert report.read_bytes() == b"the last slide's report\n"
    assert summary.read_bytes() == b"its summary\n"
    assert list((data_folder / FOLDER).iterdir()) == []  # told once


def test_a_pdf_killed_before_it_existed_is_told_not_written_and_its_leftover_removed(
        make_window, qtbot, tmp_path, data_folder):
    make_cell_folder(tmp_path / "cells", 6)
    pdf = tmp_path / "out" / "r.pdf"
    pdf.parent.mkdir()
    planted = others_files(pdf.parent)
    killed_exporting(data_folder, tmp_path / "cells", pdf)
    assert len(list(pdf.parent.glob(".r.pdf.*.tmp"))) == 1

    text = next_start_tells(make_window, qtbot, pdf)
    assert text.endswith(" while it was being written. r.pdf was not written.")
    assert set(pdf.parent.iterdir()) == planted
    assert list((data_folder / FOLDER).iterdir()) == []


def test_an_export_still_running_or_of_another_computer_is_left_alone(
        make_window, qtbot, tmp_path, data_folder):
    report, summary = tmp_path / "r.csv", tmp_path / "r_summary.csv"
    child = subprocess.Popen([sys.executable, "-c", EXPORTING, str(report), str(summary)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        running = next((data_folder / FOLDER).glob("*.json"))
        elsewhere = json.loads(running.read_bytes())  # its process gone from this computer
        elsewhere.update(host=f"not-{elsewhere['host']}", pid=gone_pid())
        other = data_folder / FOLDER / "1-other.json"
        other.write_text(json.dumps(elsewhere), encoding="utf-8")
        left = set(tmp_path.iterdir())
        from malariascope.gui.unfinished_exports import tell_unfinished

        window, looking = make_window(), WorkerGroup()
        tell_unfinished(window, looking)
        qtbot.waitUntil(lambda: len(looking) == 0)  # after what it found is told
        assert set((data_folder / FOLDER).iterdir()) == {running, other}
        assert set(tmp_path.iterdir()) == left
        assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    finally:
        child.kill()
        child.wait()


def test_exports_that_end_written_or_failed_leave_no_record(window, qtbot, tmp_path,
                                                           data_folder):
    screen_and_wait(window, qtbot, [*make_cell_folder(tmp_path / "cells", 4)])
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(tmp_path / "r.csv")
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000):
        window.export_to(tmp_path / "r.csv")  # there now: never replaced unasked
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(tmp_path / "r.pdf", size="A4")
    assert list((data_folder / FOLDER).iterdir()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "cells", "r.csv", "r.pdf", "r_summary.csv"]


def test_a_register_export_that_ends_leaves_no_record(dialog, qtbot, tmp_path,  # noqa: F811
                                                      data_folder):
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.exports.export_to(tmp_path / "cases.csv", selected=False)
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS):
        dialog.exports.export_to(tmp_path / "cases.csv", selected=False)  # never replaced
    assert list((data_folder / FOLDER).iterdir()) == []
    assert not list(tmp_path.glob(".cases.csv.*"))  # no lock nor temporary file left


def test_a_command_killed_while_it_writes_its_report_is_told_at_the_windows_next_start(
        make_window, qtbot, tmp_path, data_folder):
    """`classify --csv --pdf` recorded no export: one killed left the report's temporary file
    and locks for an hour, and nobody was told."""
    make_cell_folder(tmp_path / "cells", 6)
    out = tmp_path / "out"
    out.mkdir()
    report, pdf = out / "r.csv", out / "r.pdf"
    report.write_bytes(b"the last slide's report\n")
    planted = others_files(out)
    killed_exporting(data_folder, "classify", tmp_path / "cells", "--csv", report, "--pdf", pdf,
                     "--overwrite")
    assert lock_path(pdf).exists() and len(list(out.glob(".r.csv.*.tmp"))) == 2
    text = next_start_tells(make_window, qtbot, report)
    assert text.endswith(" did not finish: the malariascope command ended while it was being "
                         "written. The earlier r.csv is kept as it was. r_summary.csv was not "
                         "written. r.pdf was not written.")
    assert set(out.iterdir()) == {report, *planted}
    assert report.read_bytes() == b"the last slide's report\n"
    assert list((data_folder / FOLDER).iterdir()) == []
