"""Autosave and the reports written meanwhile: an export marks the work saved, and reviews or
edits made while a report is written are kept and counted for what they are."""

from __future__ import annotations

from malariascope.core.classifier import PARASITIZED, UNINFECTED
from malariascope.core.session import Session
from malariascope.gui.app import start
from tests.gui.helpers import screen_and_wait, started_window
from tests.gui.test_autosave import WAIT_MS, cells, saved  # noqa: F401 (a fixture)
from tests.reports import read_rows


def test_export_marks_the_work_saved_and_a_second_window_keeps_out(make_window, qtbot,
                                                                   cells,  # noqa: F811
                                                                   data_folder, tmp_path):
    window = started_window(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    window.table.select_source_row(5)
    window.review_current(PARASITIZED)
    qtbot.waitUntil(lambda: bool((saved(data_folder) or Session([])).reviewed), timeout=WAIT_MS)
    assert saved(data_folder).unsaved
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "report.csv")
    qtbot.waitUntil(lambda: not saved(data_folder).unsaved, timeout=WAIT_MS)
    window.review_current(PARASITIZED)  # work after the export is saved too
    qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).reviewed == 2,
                    timeout=WAIT_MS)
    second = make_window()
    with qtbot.waitSignal(second.autosave.off, timeout=WAIT_MS):  # the lock tried a moment
        start(second)
    assert second.autosave.work is None
    assert "another MalariaScope window" in second.statusBar().currentMessage()
    # and says so for good: the note fades, or the next message replaces it
    second.status.note("Model ready")
    mark = second.status.autosave_label
    assert mark.isVisible() and "another MalariaScope window" in mark.toolTip()
    assert saved(data_folder).reviewed == 2  # the first window's work is untouched


def test_a_review_made_while_the_report_is_written_is_kept(make_window, qtbot,
                                                           cells,  # noqa: F811
                                                           data_folder, tmp_path):
    """The report holds the batch as it was when export began; a review made meanwhile is
    not in it, so it stays unsaved: marked, asked about at Quit, and autosaved."""
    window = started_window(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    window.table.select_source_row(5)
    window.review_current(PARASITIZED)
    report = tmp_path / "report.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report)
        window.review_current(UNINFECTED)  # row 6, while the worker writes
    rows = read_rows(report)
    assert rows[5]["final_call"] == PARASITIZED and rows[6]["review"] == ""
    assert window.batch.unsaved and window.isWindowModified()
    assert "without the changes made while it was written" in (
        window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).reviewed == 2,
                    timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report, overwrite=True)
    assert not window.batch.unsaved and read_rows(report)[6]["final_call"] == UNINFECTED
    qtbot.waitUntil(lambda: not saved(data_folder).unsaved, timeout=WAIT_MS)


def test_edits_while_a_report_is_written_count_for_what_they_are(make_window, qtbot,
                                                                 cells,  # noqa: F811
                                                                 data_folder, tmp_path):
    """A sample id changed during an export: the reviews, all in the report, count as
    exported, but the report lacks the new id, so the window stays marked modified (Quit
    asks) and the session is kept for it. A new batch opened during an export: the report,
    of the old batch, says nothing about the new one."""
    window = started_window(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    window.table.select_source_row(5)
    window.review_current(PARASITIZED)
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "a.csv")
        window.batch.set_sample_id("S-9")
    assert not window.batch.unsaved and window.isWindowModified()
    assert "without the changes" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).facts.sample_id == "S-9",
                    timeout=WAIT_MS)

    said: list[str] = []
    window.controller.message.connect(said.append)
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "b.csv")
        assert window.open_paths([cells])  # nothing unsaved: no question
    assert f"Report written: {tmp_path / 'b.csv'}" in said  # and no more
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
