"""A file that could not be read, replaced by a good copy and opened again: it is screened,
and the case, its CSV, its PDF and its saved work count it once, as screened."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from malariascope.core.register import Register
from malariascope.gui.app import start
from malariascope.gui.batch import Batch
from malariascope.gui.restored import cells_of
from malariascope.gui.results_proxy import Filter
from tests.gui.helpers import SCREEN_TIMEOUT_MS, screen_and_wait
from tests.gui.test_autosave import saved
from tests.images import make_cell, make_cell_folder, write_broken_files, write_rgb
from tests.reports import read_pdf, read_rows, read_summary


def _slide(folder: Path) -> Path:
    """Three cells and a truncated PNG: the one file that cannot be read."""
    make_cell_folder(folder, 3)
    write_broken_files(folder / "broken")
    for name in ("zero.png", "text.png", "huge.png"):
        (folder / "broken" / name).unlink()
    return folder / "broken" / "truncated.png"


def _csv(window, qtbot, report: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    summary, _ = read_summary(report.with_name(f"{report.stem}_summary.csv"))
    return read_rows(report), summary



def assert_saved_with(window, qtbot, data_folder, cells: int) -> None:
    """Saved now, the window's work restores with ``cells`` cells and no unreadable file,
    and the register stores and lists the case so."""
    with qtbot.waitSignal(window.autosave.written, timeout=60_000):
        window.autosave.save_now()
    session = saved(data_folder)
    assert cells_of(session) == f"{cells} cells"
    again = Batch()
    again.restore(session)
    assert (again.counts.classified, again.counts.errors) == (cells, 0)
    with Register(data_folder) as register:
        stored = register.load(session.case.uid)
        (listed,) = register.cases()
    assert (stored.result.cells_counted, stored.result.unreadable) == (cells, 0)
    assert listed.result.unreadable == 0

def test_a_replaced_unreadable_file_opened_again_is_screened_and_counted_once(
        make_window, qtbot, tmp_path, data_folder):
    """It was left out as "already in the case", and its error row would have stayed."""
    broken = _slide(tmp_path / "slide")
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        start(window, [tmp_path / "slide"])  # with autosave, as the app starts
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 1)
    write_rgb(broken, make_cell(seed=11))  # the technician copies a good file over it
    screen_and_wait(window, qtbot, [broken])
    assert "already in the case" not in window.status.currentMessage()
    assert window.controller.extent.files == 4  # found: the file replaced is one of them
    counts = window.batch.counts
    assert (counts.classified, counts.errors, window.summary.text("errors")) == (4, 0, "0")
    assert window.case.result().unreadable == 0
    assert "Without a call" not in window.case_panel.result.text()
    shown = [window.proxy.source_row(at) for at in range(window.proxy.rowCount())]
    assert len(shown) == 4 and all(window.batch.results[row].ok for row in shown)
    window.set_filter(Filter.ERRORS)
    assert window.proxy.rowCount() == 0
    window.set_filter(Filter.ALL)

    rows, summary = _csv(window, qtbot, tmp_path / "case.csv")
    assert len(rows) == 4 and not any(row["error"] for row in rows)
    assert [row["image_path"] for row in rows].count(str(broken)) == 1
    assert (summary["images"], summary["classified"], summary["errors"]) == ("4", "4", "0")
    pdf = tmp_path / "case.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    assert "files without a call: 0" in read_pdf(pdf)[1]

    assert_saved_with(window, qtbot, data_folder, cells=4)


def test_files_read_fine_or_still_unreadable_opened_again_add_no_row(window, qtbot, tmp_path):
    broken = _slide(tmp_path / "slide")
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    screen_and_wait(window, qtbot, [tmp_path / "slide"])  # not replaced: still unreadable
    assert "4 files already in the case left out" in window.status.currentMessage()
    assert (len(window.batch), window.batch.counts.errors) == (4, 1)
    write_rgb(broken, make_cell(seed=11))
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    assert "3 files already in the case left out" in window.status.currentMessage()
    assert (len(window.batch), window.batch.counts.classified, window.batch.counts.errors) == (
        5, 4, 0)
    screen_and_wait(window, qtbot, [broken])
    assert "1 file already in the case left out" in window.status.currentMessage()
    assert len(window.batch) == 5


def test_a_replaced_file_reopened_through_a_symlink_is_counted_once(
        make_window, qtbot, tmp_path, data_folder):
    """Opened again by its real path, the file was screened again, but its new row did not
    supersede the error row the case held at the link's path: counted twice."""
    real = tmp_path / "real"
    broken = _slide(real / "slide")
    link = tmp_path / "link"
    os.symlink(real, link)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        start(window, [link / "slide"])  # opened through the lab's link to the share
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 1)
    write_rgb(broken, make_cell(seed=11))
    screen_and_wait(window, qtbot, [broken])  # the same file, by its real path
    counts = window.batch.counts
    assert len(window.batch) == 5  # it was screened again
    assert (counts.classified, counts.errors) == (4, 0), (
        f"{counts.classified} cells, {counts.errors} errors: the replaced file counted twice")


def test_an_unreadable_file_replaced_by_a_copy_is_told_a_copy(make_window, qtbot, tmp_path):
    """Its error row stood and the status bar said it was already in the case, not that it
    is a copy of another file of the case."""
    broken = _slide(tmp_path / "slide")
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        start(window, [tmp_path / "slide"])
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 1)
    good = next(p for p in (tmp_path / "slide").iterdir() if p.suffix == ".png")
    shutil.copy(good, broken)  # the technician copies the wrong good file over it
    screen_and_wait(window, qtbot, [broken])
    message = window.status.currentMessage()
    assert "already in the case" not in message and "identical" in message, message


def _accounts(window, qtbot, folder: Path) -> dict[str, object]:
    """What ``window``'s case says of its files: counts, rows listed and under Errors, its
    CSV's rows and summary, and its PDF's line on the files without a call."""
    counts = window.batch.counts
    window.set_filter(Filter.ERRORS)
    errors_listed = window.proxy.rowCount()
    window.set_filter(Filter.ALL)
    rows, summary = _csv(window, qtbot, folder / "case.csv")
    pdf = folder / "case.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    return {"counts": (counts.classified, counts.errors, window.case.result().unreadable),
            "listed": (window.proxy.rowCount(), errors_listed),
            "csv": [row["error"] for row in rows],  # which of two copies stays may differ
            "summary": {key: summary[key] for key in (
                "images", "classified", "errors", "complete", "images_not_screened")},
            "pdf": re.search(r"files without a call: \d+( \([^)]*\))?", read_pdf(pdf)[1]).group()}


def _replaced_by_copy(make_window, qtbot, tmp_path):
    """A window whose slide's unreadable file was replaced by a copy of another of its files
    and opened again; the window and that file."""
    broken = _slide(tmp_path / "slide")
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        start(window, [tmp_path / "slide"])
    shutil.copy(next((tmp_path / "slide").glob("*.png")), broken)
    screen_and_wait(window, qtbot, [broken])
    return window, broken


def test_an_unreadable_file_replaced_by_a_copy_is_left_out_as_a_copy_is(
        make_window, qtbot, tmp_path, data_folder):
    """Its error row stood: the case, its Errors filter, CSV, PDF, saved work and register
    said that a file which now reads fine (a copy of another file of the case) could not be
    read. Now it is left out as the same copy is when a case first opens the folder."""
    window, broken = _replaced_by_copy(make_window, qtbot, tmp_path)
    (tmp_path / "reopened").mkdir()
    reopened = _accounts(window, qtbot, tmp_path / "reopened")

    first = make_window()  # the same folder, as a new case opens it now
    screen_and_wait(first, qtbot, [tmp_path / "slide"])
    assert "identical to other files of the case left out" in first.status.currentMessage()
    (tmp_path / "first").mkdir()
    assert reopened == _accounts(first, qtbot, tmp_path / "first")
    assert reopened["counts"] == (3, 0, 0) and reopened["listed"] == (3, 0)

    assert_saved_with(window, qtbot, data_folder, cells=3)


def test_a_file_left_out_as_a_copy_then_replaced_by_a_new_image_is_screened(
        make_window, qtbot, tmp_path):
    """Its left-out row held the path, so the right image put there later was refused as
    already in the case and never screened: 3 cells where a case opening the folder has 4."""
    window, broken = _replaced_by_copy(make_window, qtbot, tmp_path)
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 0)
    write_rgb(broken, make_cell(seed=11))  # the right image at last
    screen_and_wait(window, qtbot, [broken])
    assert "already in the case" not in window.status.currentMessage()
    assert (window.batch.counts.classified, window.batch.counts.errors) == (4, 0)
