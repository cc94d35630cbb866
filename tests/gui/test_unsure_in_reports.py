"""A cell marked unsure that the model calls uninfected, in what the case says of it: the Sign
form, the case tab, the PDF (counted, and pictured among the cells waiting for review) and the
summary CSV, each written by the real window and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from malariascope.core.register import Register
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.helpers import amend_case, click, wait_for_box
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_unsure_after_threshold import _type_threshold, screen_slide
from tests.reports import read_pdf, read_summary
from tests.test_printing_limits import printed_text

THRESHOLD = 0.3
LEFT = "1 flagged cell was not reviewed (1 marked unsure)."
AT_SIGNING = "Flagged cells not reviewed at signing: 1 (1 marked unsure)."


@pytest.fixture
def unsure_uninfected(window, qtbot, tmp_path: Path, real_cells) -> int:
    """The window's batch with the cell nearest P 0.13 marked unsure, then the threshold at
    0.3, where the model calls it uninfected and not uncertain; every other flagged cell
    reviewed. Its row."""
    batch = screen_slide(window, qtbot, tmp_path, real_cells)
    row = min((row for row in range(len(batch)) if batch.results[row].ok),
              key=lambda row: abs(batch.results[row].probability - 0.13))
    window.table.select_source_row(row)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Question)
    assert batch.review(row) == "unsure"
    _type_threshold(window, qtbot, THRESHOLD)
    assert not batch.suspect(row) and batch.call(row) == "uninfected"
    for other in range(len(batch)):
        if other != row and batch.suspect(other) and not batch.reviewed(other):
            assert batch.confirm(other)
    assert window.case.result().unreviewed_flagged == 1
    return row


def _sign_anyway(window, qtbot) -> str:
    """Sign as Ann Lee past the question about the cell left; the Sign form's words."""
    window.actions.sign.trigger()
    click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    said = " ".join(label.text() for label in dialog.findChildren(QLabel))
    dialog.name.setText("Ann Lee")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    return said


def _export_pdf(window, qtbot, path: Path) -> Path:
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    return path


def test_signing_says_how_many_of_the_flagged_cells_left_are_marked_unsure(
        window, qtbot, tmp_path: Path, data_folder: Path, unsure_uninfected):
    """The Sign form's bullet said "1 flagged cell was not reviewed." of a cell the question
    just before called marked unsure; the case tab and the PDF counted it as bare."""
    assert f"• {LEFT}" in _sign_anyway(window, qtbot)
    tab = window.case_panel.result.text()
    assert "1</b></span> (1 marked unsure)" in tab and LEFT in tab
    assert "flagged cells not reviewed then: 1 (1 marked unsure)." in tab
    with Register(data_folder) as register:  # the signed result as the register keeps it
        assert register.load(window.case.case.uid).case.signed.result.unsure == 1
    pages = "".join(printed_text(_export_pdf(window, qtbot, tmp_path / "S.pdf")))
    assert "".join(LEFT.split()) in pages
    assert "markedunsure)notreviewed:1(1markedunsure)" in pages
    assert "".join(AT_SIGNING.split()) in pages


def test_the_pdf_pictures_a_cell_marked_unsure_the_model_calls_uninfected(
        window, qtbot, tmp_path: Path, unsure_uninfected):
    """The PDF counted "1 flagged cell was not reviewed" but pictured no such cell: its
    gallery of cells waiting for review held only the uncertain ones."""
    _sign_anyway(window, qtbot)
    pdf = _export_pdf(window, qtbot, tmp_path / "S.pdf")
    pages = "".join(printed_text(pdf))
    heading = "Uncertain or marked unsure cells called uninfected, not reviewed (1,"
    assert "".join(heading.split()) in pages
    gallery = pages[pages.index("".join(heading.split())):]
    name = window.batch.results[unsure_uninfected].path.name
    assert "markedunsure" in gallery and "".join(name.split()) in gallery
    parasitized = sum(call == "parasitized" for call in map(window.batch.final_call,
                                                             range(len(window.batch))))
    assert read_pdf(pdf)[2] == parasitized + 1  # each parasitized cell and the one unsure


def test_the_summary_counts_flagged_cells_not_reviewed_and_those_marked_unsure(
        window, qtbot, tmp_path: Path, unsure_uninfected):
    """The summary CSV had no count of the flagged cells not reviewed, nor of those marked
    unsure: only the report row's ``review`` said so."""
    report = tmp_path / "S-UNSURE.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=60_000):
        window.export_to(report)
    summary, _ = read_summary(report.with_name("S-UNSURE_summary.csv"))
    assert summary["flagged_not_reviewed"] == "1"
    assert summary["marked_unsure"] == "1"
    assert list(summary)[-9:-7] == ["flagged_not_reviewed", "marked_unsure"]  # keys appended


def test_the_amendments_say_how_many_flagged_cells_left_the_replaced_result_marked_unsure(
        window, qtbot, tmp_path: Path, unsure_uninfected):
    """Each amendment told the result it replaced by its parasitemia alone: not the flagged
    cells it left unreviewed, nor that one of them was marked unsure, as its sign-off did."""
    _sign_anyway(window, qtbot)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert amend_case(window, qtbot, "second reader", "Bob Okafor")
    window.table.select_source_row(unsure_uninfected)
    window.review_current("uninfected")  # the second reader's call: nothing left
    assert window.case_flow.sign("Bob Okafor")
    tab = window.case_panel.result.text()
    assert "flagged cells not reviewed then: 0." in tab  # the sign-off in force
    history = tab[tab.index("Amendment 1: "):]
    assert AT_SIGNING in history
    pages = "".join(printed_text(_export_pdf(window, qtbot, tmp_path / "S.pdf")))
    history = pages[pages.index("Amendment1:"):]
    assert "".join(AT_SIGNING.split()) in history
