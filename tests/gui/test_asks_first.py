"""What the window asks before it lets reviews go or writes a slide's record without an id:
New case or Close with unsaved reviews, a CSV or a PDF of a slide without an id."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from malariascope.gui import file_dialogs
from tests.gui.helpers import (
    _first_ok,
    answer_next_dialog,
    click,
    press_alt,
    screen_and_wait,
    wait_for_box,
)


def test_new_case_or_close_with_unsaved_reviews_asks_first(window, qtbot, cell_folder):
    """Closing offered only Discard and Cancel, and Alt+D did nothing; New case offered no
    export of the case it drops."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    assert window.batch.confirm(_first_ok(window.batch))
    asked = []

    def cancel(box: QMessageBox) -> None:
        asked.append((box.text(), [button.text() for button in box.buttons()]))
        click(box, "Cancel")

    cells = len(window.batch)
    answer_next_dialog(window, cancel)
    window.actions.new_case.trigger()
    qtbot.waitUntil(lambda: bool(asked))
    assert len(window.batch) == cells and "and 1 review leave" in asked[0][0]
    assert sorted(asked.pop()[1]) == ["&Cancel", "&Discard", "&Export…"]
    answer_next_dialog(window, lambda box: click(box, "Export…"))
    window.actions.new_case.trigger()  # no new case: the export begins, as below
    click(wait_for_box(qtbot, window, "No slide id"), "Cancel")
    assert len(window.batch) == cells
    answer_next_dialog(window, cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1 and "and 1 review leave" in asked[0][0]
    assert sorted(asked[0][1]) == ["&Cancel", "&Discard", "&Export…"]
    answer_next_dialog(window, lambda box: click(box, "Export…"))
    window.close()  # not closed: the export begins, asking for the sample id first
    assert window.isVisible() and window.batch.unsaved
    click(wait_for_box(qtbot, window, "No slide id"), "Cancel")

    def discard_with_alt_d(box: QMessageBox) -> None:
        press_alt(box, qtbot, Qt.Key.Key_D, missed="Cancel")

    answer_next_dialog(window, discard_with_alt_d)
    window.close()
    assert not window.isVisible()


def test_export_with_an_empty_sample_id_asks_first(window, qtbot, tmp_path, monkeypatch,
                                                   real_cells):
    """Export with an empty Sample id went through without a word."""
    report = tmp_path / "report.csv"
    monkeypatch.setattr(file_dialogs, "ask_report_path", lambda *args, **kwargs: (report, False))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.open_paths(real_cells["uninfected"][:2])
    window.batch.set_threshold(0.99)  # nothing uncertain: no other question
    assert window.batch.counts.unreviewed_uncertain == 0
    window.actions.export.trigger()
    click(wait_for_box(qtbot, window, "No slide id"), "Enter slide id")
    qtbot.waitUntil(lambda: window.focusWidget() is window.case_panel.sample_id)
    assert not report.exists()
    window.actions.export.trigger()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(wait_for_box(qtbot, window, "No slide id"), "Export anyway")
    assert report.exists()


def test_a_pdf_of_a_slide_without_an_id_asks_first_as_the_csv_does(window, qtbot, tmp_path,
                                                                   monkeypatch, real_cells):
    """Export PDF report wrote "Slide (no id)" without a word, where the CSV's export asks."""
    report = tmp_path / "report.pdf"
    monkeypatch.setattr(file_dialogs, "ask_report_path", lambda *args, **kwargs: (report, False))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.open_paths(real_cells["uninfected"][:2])
    window.actions.export_pdf.trigger()
    click(wait_for_box(qtbot, window, "No slide id"), "Enter slide id")
    qtbot.waitUntil(lambda: window.focusWidget() is window.case_panel.sample_id)
    assert not report.exists()
    window.actions.export_pdf.trigger()
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        click(wait_for_box(qtbot, window, "No slide id"), "Export anyway")
    assert report.exists()
