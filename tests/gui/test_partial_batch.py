"""A batch whose screening was cut short by a crash, restored with real cells: marked partial
in the window and in both CSV files, and resumable without losing a review."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.report import COLUMNS
from malariascope.gui.app import start
from tests.gui.conftest import SCREENED
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    click,
    close_window,
    restore_at_start,
    screen_and_wait,
    wait_for_box,
)
from tests.images import make_cell_folder
from tests.legacy_session import write_legacy_session
from tests.reports import read_pdf, read_rows, read_summary


def _exported_as_partial(window, qtbot, report: Path, not_screened: str) -> list[dict]:
    """Export the window's batch to ``report``: its summary and every row must say partial,
    with ``not_screened`` image files left; the rows."""
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    summary, _ = read_summary(report.with_name(f"{report.stem}_summary.csv"))
    assert (summary["images"], summary["complete"], summary["images_not_screened"]) == (
        str(SCREENED), "false", not_screened)
    rows = read_rows(report)
    assert {row["batch_complete"] for row in rows} == {"false"}
    return rows


def test_a_restored_batch_cut_short_is_marked_partial_in_window_and_reports(
        make_window, qtbot, cut_short, tmp_path):
    """A batch killed mid-screening exported as if complete, with no word of the rest."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert "7 of the 12 image files found were not screened" in box.text()
    click(box, "Restore")
    assert window.windowTitle().endswith(" (restored, partial)[*]")
    label = window.status.partial_label
    assert label.isVisible() and "7 not screened" in label.text()
    assert "7 image files were not screened" in label.toolTip()
    rows = _exported_as_partial(window, qtbot, tmp_path / "partial.csv", "7")
    assert len(rows) == SCREENED and tuple(rows[0]) == COLUMNS  # no column moved


def test_the_pdf_of_a_batch_cut_short_says_it_is_partial(make_window, qtbot, cut_short,
                                                            tmp_path):
    """The window and the CSV said partial, the PDF (the signed record) said nothing of it:
    "target reached" and a parasitemia, as if the slide had been screened whole."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    pdf = tmp_path / "partial.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    _, text, _ = read_pdf(pdf)
    assert ("PARTIAL: screening was stopped and 7 image files of the batch were not "
            "screened. The result counts only the cells screened.") in text


def test_restore_screens_the_files_left_and_keeps_every_review(make_window, qtbot,
                                                               cut_short, tmp_path):
    folder, session = cut_short
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert box.defaultButton().text() == "Restore and &screen the rest"
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        click(box, "Restore and screen the rest")
    assert done.args == [12, True]
    batch = window.batch
    assert [r.path for r in batch.results] == sorted(folder.iterdir())  # each file once
    assert [r.sha256 for r in batch.results[:SCREENED]] == [r.sha256 for r in session.results]
    assert batch.counts.reviewed == 1 and batch.decision(1).reviewer == "Ana"
    assert not window.status.partial_label.isVisible()
    report = tmp_path / "whole.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    summary, _ = read_summary(report.with_name("whole_summary.csv"))
    assert (summary["images"], summary["complete"], summary["images_not_screened"],
            summary["reviewed"]) == ("12", "true", "0", "1")


def test_screening_the_rest_does_not_tell_the_cells_restored_as_left_out(make_window, qtbot,
                                                                         cut_short):
    """Restore and screen the rest ended on "Screened 7 cells in 0.2 s (5 files already in
    the case left out)": the files screened before the crash, which nobody had opened
    again, told as an addition's duplicates."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        click(box, "Restore and screen the rest")
    message = window.status.currentMessage()
    assert message.startswith("Screened 7 cells in ") and "left out" not in message
    assert message.endswith("; the case holds 12 cells")


def test_a_crash_before_an_additions_first_results_is_not_told_as_0_not_screened(
        make_window, qtbot, tmp_path, data_folder):
    """Saved between an addition's start and its first results, the batch held every file
    counted so far, and the question said "0 of the 4 image files found were not screened"
    (and that a report says the batch is partial, which a report of it did not)."""
    from tests.gui.test_autosave import saved

    make_cell_folder(tmp_path / "first", 4)
    make_cell_folder(tmp_path / "added", 3)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.work is not None)
    screen_and_wait(window, qtbot, [tmp_path / "first"])
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        assert window.open_paths([tmp_path / "added"])
        with qtbot.waitSignal(window.autosave.written):
            assert window.autosave.save_now()  # as the addition starts: no results yet
            window.autosave.hold(True)  # and nothing after: the app is killed here
    session = saved(data_folder)
    assert (len(session.results), session.complete, session.extent.files) == (4, False, 4)
    close_window(window, qtbot)  # a clean close gives up its work: put the crash's back
    with Register(data_folder) as register:
        CaseWork(register).save(session)

    again = make_window()
    start(again)
    box = wait_for_box(qtbot, again, "Restore unsaved work?")
    assert "0 of the" not in box.text()
    assert ("Screening had not reached the end: the 4 image files counted were all screened, "
            "but the images opened last had not been counted, and some may not have been "
            "screened. A report of this batch says it is partial.") in box.text()
    with qtbot.waitSignal(again.controller.screening_finished, timeout=120_000) as done:
        click(box, "Restore and screen the rest")
    assert done.args == [7, True]


def test_a_batch_cut_short_before_its_last_files_were_counted_exports_as_partial(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """Every file counted was screened, the rest never counted: the status bar read "Partial
    batch: 0 not screened" and the CSV report said complete, 0 images not screened."""
    _, session = cut_short
    uncounted = replace(session, extent=replace(session.extent, files=SCREENED))
    write_legacy_session(data_folder / "session", uncounted)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    label = window.status.partial_label
    assert label.isVisible() and label.text() == "<b>Partial batch</b>"
    assert label.toolTip().startswith("Some image files were not screened")
    _exported_as_partial(window, qtbot, tmp_path / "uncounted.csv", "")
    pdf = tmp_path / "uncounted.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    assert "PARTIAL: screening was stopped and some image files" in read_pdf(pdf)[1]


def test_a_batch_cut_short_is_signed_only_with_the_dialog_saying_so(make_window, qtbot,
                                                                     cut_short):
    """Signing a restored batch that 7 files short asked only about flagged cells: nothing
    said that screening had stopped before the batch's end."""
    from PySide6.QtWidgets import QLabel

    from malariascope.gui.case_dialogs import SignDialog

    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    words = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert ("• Screening was stopped and 7 image files of the batch were not screened."
            in words)
    dialog.reject()


def listed_status(data_folder: Path) -> str:
    """How the register lists its one case (read as ``malariascope cases list`` does)."""
    with Register(data_folder) as register:
        (case,) = register.cases()
    return case.status_words()


def test_other_images_screened_after_a_cut_short_batch_leave_it_partial(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """A screening's end marked the batch whole whatever it had been given: a restored batch 7
    files short, another folder added and screened, was saved, listed, signed and printed as
    screened whole; then as short of 'some' files, the 7 forgotten. Screening the rest makes
    it whole."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    other = tmp_path / "other"
    make_cell_folder(other, 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        assert window.open_paths([other])  # not the rest of the first folder
    assert done.args == [SCREENED + 3, False] and not window.controller.complete
    assert window.status.partial_label.isVisible()
    with qtbot.waitSignal(window.autosave.written, timeout=60_000):
        window.autosave.save_now()
    assert listed_status(data_folder) == "open, partial"
    pdf = tmp_path / "other.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    assert ("PARTIAL: screening was stopped and 7 image files of the batch were not "
            "screened") in " ".join(read_pdf(pdf)[1].split())
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        window.controller.screen_rest()
    assert done.args == [12 + 3, True] and window.controller.complete


def test_the_case_tab_says_a_screening_stopped_before_the_batchs_end(make_window, qtbot,
                                                                    cut_short, big_folder):
    """The Sign dialog and the PDF said screening had stopped; the Case tab's limits did
    not, so its parasitemia read as the whole slide's."""
    stopped = "Screening was stopped and 7 image files of the batch were not screened."
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    qtbot.waitUntil(lambda: stopped in window.case_panel.result.text())
    assert window.case_flow.new_case(ask=False)
    assert "Screening was stopped" not in window.case_panel.result.text()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.open_paths([big_folder])
        qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=120_000)
        assert "Screening was stopped" not in window.case_panel.result.text()  # running
        window.controller.cancel()
    left = window.controller.not_screened()
    assert left and (f"Screening was stopped and {left:,} image files of the batch were not "
                     "screened.") in window.case_panel.result.text()


def test_the_cut_short_folder_opened_again_after_an_addition_is_counted_once(
        make_window, qtbot, cut_short, tmp_path):
    """Its files were counted twice: all 15 screened, the batch was told 7 files short; then
    short of 'some' files, as which input was cut short was not kept. It is screened whole."""
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        assert window.open_paths([make_cell_folder(tmp_path / "other", 3)[0].parent])
    assert window.controller.not_screened() == 12 - SCREENED
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        assert window.open_paths([folder])  # the rest of the first folder among its files
    assert done.args[0] == 12 + 3 and done.args[1] and window.controller.complete
    assert window.controller.not_screened() == 0 and not window.controller.extent.cut_short


def test_files_of_the_cut_short_folder_opened_alone_are_never_counted_twice(
        make_window, qtbot, cut_short):
    """Two of the 7 files left, opened on their own, were counted on top of the 12 found:
    the batch was told 7 files short, not 5. Their folder's count cannot be told apart from
    theirs, so the batch is told short of some files."""
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        assert window.open_paths(sorted(folder.iterdir())[SCREENED:SCREENED + 2])
    assert len(window.batch) == SCREENED + 2 and window.controller.not_screened() is None
