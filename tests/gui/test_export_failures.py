"""An export that fails says why in a dialog, loses nothing, and can go somewhere else."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from malariascope.gui.batch import PARASITIZED, UNINFECTED
from tests.core.test_write_failures import folder_bytes, old_report
from tests.faults import FAULTS
from tests.gui.helpers import click, screen_and_wait, wait_for_box
from tests.images import make_cell_folder, write_broken_files


def read_report(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_export_explains_keeps_everything_and_retries_elsewhere(
        window, qtbot, tmp_path, monkeypatch, fault):
    make_cell_folder(tmp_path / "cells", 10)
    write_broken_files(tmp_path / "cells" / "broken")
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    batch = window.batch
    assert batch.set_review(6, PARASITIZED) and batch.set_review(7, UNINFECTED)
    rows, counts = len(batch), window.summary.text("reviewed")
    before = old_report(tmp_path / "reports")
    report = tmp_path / "reports" / "report.csv"
    inject, words = FAULTS[fault]
    with inject(report), qtbot.waitSignal(window.controller.export_failed, timeout=30_000):
        window.export_to(report, overwrite=True)
    box = wait_for_box(qtbot, window, "Export failed")
    assert words in box.text() and str(report) in box.text()
    assert "Traceback" not in box.text() and "Error" not in box.text()
    assert folder_bytes(tmp_path / "reports") == before  # the earlier report is whole
    assert len(batch) == window.proxy.rowCount() == rows
    assert window.summary.text("reviewed") == counts and batch.unsaved
    assert window.actions.export.isEnabled()

    elsewhere = tmp_path / "elsewhere" / "report.csv"
    elsewhere.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(elsewhere), "CSV files (*.csv)"))
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(box, "Choose another location…")
    written = read_report(elsewhere)
    assert [row["image_path"] for row in written] == [str(r.path) for r in batch.results]
    assert [row["final_call"] for row in written][6:8] == [PARASITIZED, UNINFECTED]
    assert sum(bool(row["review"]) for row in written) == 2
    assert not batch.unsaved


def test_the_report_offered_is_a_safe_name_in_the_folder_last_written(window, qtbot, tmp_path,
                                                                      monkeypatch):
    """A sample id "B/24/117" made folders of the name offered (the report went to the
    working folder); a failed export made its folder the next one offered, and Choose another
    location offered the sample id's name, not the one typed."""
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    for row in range(len(window.batch)):
        window.batch.confirm(row)  # no uncertain cell waits: export asks nothing first
    window.batch.set_sample_id("B/24/117")
    offered = []

    def choose(folder: Path) -> None:
        def ask(parent, title, suggested, *rest):
            offered.append(Path(suggested))
            return str(folder / "report.csv"), ""
        folder.mkdir(exist_ok=True)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)

    good, locked = tmp_path / "good", tmp_path / "locked"
    choose(good)
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.actions.export.trigger()
    assert offered[0].name == f"B-24-117_{dt.date.today():%Y-%m-%d}.csv"
    choose(locked)
    inject, _ = FAULTS["read-only folder"]
    with inject(locked / "report.csv"), qtbot.waitSignal(window.controller.export_failed,
                                                          timeout=30_000):
        window.actions.export.trigger()
    assert offered[1].parent == good
    choose(good)
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(wait_for_box(qtbot, window, "Export failed"), "Choose another location…")
    assert offered[2] == good / "report.csv", "the name typed, where the last report went"


def test_an_export_started_as_the_last_one_ends_still_reports_its_failure(window, qtbot,
                                                                          tmp_path):
    """The last export's worker says it has ended after the next export has started: that
    once ended the next one too, and its failure went unreported."""
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    locked = tmp_path / "locked"
    locked.mkdir()
    inject, words = FAULTS["read-only folder"]

    def export_again(path: str) -> None:  # as the first report is written, before its end
        window.controller.export_finished.disconnect(export_again)
        window.export_to(locked / "report.csv")

    window.controller.export_finished.connect(export_again)
    with inject(locked / "report.csv"), qtbot.waitSignal(window.controller.export_failed,
                                                          timeout=30_000):
        window.export_to(tmp_path / "first.csv")
    box = wait_for_box(qtbot, window, "Export failed")
    assert words in box.text()
    box.close()


def test_a_refused_export_says_how_to_replace_in_the_window_and_no_earlier_report_unless_one(
        window, qtbot, tmp_path):
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    taken = tmp_path / "taken.csv"
    taken.write_text("another program's", encoding="utf-8")
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000):
        window.export_to(taken)  # not to be replaced, as if it appeared after it was chosen
    box = wait_for_box(qtbot, window, "Export failed")
    assert f"{taken} exists; choose another name or choose the same name again and confirm " \
           "replacing it" in box.text()
    assert "overwrite" not in box.text()  # the CLI's word: the window has no such switch
    assert "earlier report of that name is as it was" in box.text()
    assert taken.read_text(encoding="utf-8") == "another program's"
    click(box, "Close")

    nowhere = tmp_path / "no such folder" / "report.csv"
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000):
        window.export_to(nowhere, overwrite=True)
    box = wait_for_box(qtbot, window, "Export failed")
    assert box.text().endswith("The batch is still here.")  # there was no earlier report
    click(box, "Close")


def test_a_refused_export_tells_an_earlier_summary_kept_as_an_earlier_report(
        window, qtbot, tmp_path):
    """Whether an earlier report was kept was asked on the UI thread, of the report's name
    only: a summary left at its name was kept without a word."""
    make_cell_folder(tmp_path / "cells", 4)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    summary = tmp_path / "report_summary.csv"
    summary.write_text("an earlier summary", encoding="utf-8")
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000) as blocker:
        window.export_to(tmp_path / "report.csv")
    box = wait_for_box(qtbot, window, "Export failed")
    assert "earlier report of that name is as it was" in box.text() and blocker.args[1]
    assert summary.read_text(encoding="utf-8") == "an earlier summary"
    click(box, "Close")
