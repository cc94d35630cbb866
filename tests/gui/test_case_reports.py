"""A case's reports from the real window: its PDF, printed, its CSV summary, and Export and
Print waiting for the screening to end."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from malariascope.core.tally import PARASITIZED, UNINFECTED, UNSURE
from malariascope.gui.settings import app_settings
from tests.gui import case_steps
from tests.gui.case_steps import _gather, _printed_cells, _sign, _type_facts
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)
from tests.images import make_cell_folder
from tests.reports import read_pdf, read_summary
from tests.test_cli_density import three_figures

two_folders = case_steps.two_folders  # the fixture, shared


def test_the_pdf_from_the_window_holds_the_signed_case(window, qtbot, two_folders, tmp_path,
                                                       monkeypatch):
    _type_facts(window, qtbot)
    qtbot.keyClicks(window.case_panel.lab, "Central Lab, Kisumu")
    window.case_panel.rbc.setText("5,000,000")
    window.case_panel.rbc.editingFinished.emit()
    _gather(window, qtbot, two_folders)
    _sign(window, qtbot)
    result = window.case.case.signed.result
    low, high = result.density_interval
    density = (f"{three_figures(result.parasites_per_ul):,} (95 % CI {three_figures(low):,} to "
               f"{three_figures(high):,}, from 5,000,000 red cells")  # the window's, the PDF's
    path = tmp_path / "S-2026-0412.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    _, text, images = read_pdf(path)
    for words in ("Slide (sample) id S-2026-0412", "Patient id P-00917", "Microscopist Ann Lee",
                  f"{result.cells_counted:,} of a target of 100: target not reached",
                  "Signed by Ann Lee", "A screening aid, not a diagnosis",
                  density, window.batch.facts.model_sha256[:12], "Stain not stated"):
        assert words in text
    assert density in window.case_panel.result.text().replace("</b>", "")
    assert text.startswith("Central Lab, Kisumu Printed ")
    assert images == _printed_cells(window.batch) > 0

    before = path.read_bytes()
    window.case_flow.reports.export_pdf(path)  # never over an existing file unasked
    box = wait_for_box(qtbot, window, "Export failed")
    assert "exists" in box.text() and path.read_bytes() == before
    assert "the earlier PDF report of that name is as it was" in box.text()
    qtbot.waitUntil(lambda: window.status.currentMessage() == "PDF report not written")
    elsewhere = tmp_path / "elsewhere.pdf"  # the box offers another place, as the CSV's does
    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, suggested, *_: (
        offered.append(suggested) or (str(elsewhere), "PDF files (*.pdf)")))
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        click(box, "Choose another location…")
    assert Path(offered[0]).name == path.name  # the name given, not the sample id's
    assert "Slide (sample) id S-2026-0412" in read_pdf(elsewhere)[1]
    assert app_settings().value("export_dir") == str(tmp_path)  # the next is offered there


def test_print_report_prints_the_case_through_the_print_dialog(window, qtbot, two_folders,
                                                               tmp_path):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    printed = tmp_path / "printed.pdf"

    def print_to_file(dialog: QPrintDialog) -> None:  # a printer whose pages the test reads
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        dialog.done(QPrintDialog.DialogCode.Accepted)  # as OK, with the printer set here

    answer_next_dialog(window, print_to_file, QPrintDialog)
    with qtbot.waitSignal(window.case_flow.reports.message, timeout=60_000,
                          check_params_cb=lambda words: words.startswith("Report sent")):
        window.actions.print_report.trigger()
    _, text, images = read_pdf(printed)
    assert "Slide (sample) id S-2026-0412" in text and "NOT SIGNED" in text
    assert images == _printed_cells(window.batch) > 0


def test_each_report_printed_frees_its_printer(window, qtbot, two_folders, tmp_path):
    """The report's text layouts take the printer from Python (their setPaintDevice), as
    they took the PDF's writer: every report printed left its QPrinter, and its print
    engine, alive for good."""
    import shiboken6
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    def live_printers() -> int:
        return sum(isinstance(wrapper, QPrinter) for wrapper in shiboken6.getAllValidWrappers())

    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    before = live_printers()
    for number in range(2):
        printed = tmp_path / f"printed-{number}.pdf"

        def print_to_file(dialog: QPrintDialog, printed: Path = printed) -> None:
            dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            dialog.printer().setOutputFileName(str(printed))
            dialog.done(QPrintDialog.DialogCode.Accepted)

        answer_next_dialog(window, print_to_file, QPrintDialog)
        with qtbot.waitSignal(window.case_flow.reports.message, timeout=60_000,
                              check_params_cb=lambda words: words.startswith("Report sent")):
            window.actions.print_report.trigger()
        assert read_pdf(printed)[2] == _printed_cells(window.batch) > 0  # printed whole
    assert live_printers() == before


def test_the_csv_summary_from_the_window_holds_the_cases_facts(window, qtbot, two_folders,
                                                               tmp_path):
    _type_facts(window, qtbot)
    qtbot.keyClicks(window.case_panel.lab, "Central Lab, Kisumu")
    window.case_panel.stain.setCurrentText("Field's")
    _gather(window, qtbot, two_folders[:1])
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(tmp_path / "r.csv")
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert (summary["cells_target"], summary["patient_id"], summary["sample_id"]) == (
        "100", "P-00917", "S-2026-0412")
    assert (summary["stain"], summary["lab"]) == ("Field's", "Central Lab, Kisumu")


def test_the_pdf_tells_a_reviewers_own_call_from_a_confirmed_one(window, qtbot, two_folders,
                                                                 tmp_path):
    """A cell the model called uninfected and the reviewer parasitized was printed "reviewed",
    like one the reviewer confirmed, and a parasitized call the reviewer overrode was not
    printed at all: the record did not say whose call each was."""
    _gather(window, qtbot, two_folders)
    batch = window.batch
    rows = sorted((row for row, result in enumerate(batch.results) if result.ok),
                  key=lambda row: batch.results[row].probability)
    uninfected, parasitized, downgraded = rows[0], rows[-1], rows[-2]
    for row, call in ((uninfected, PARASITIZED), (parasitized, PARASITIZED),
                      (downgraded, UNINFECTED)):
        window.table.select_source_row(row)
        window.review_current(call)
    assert [batch.review(row) for row in (uninfected, parasitized, downgraded)] == [
        "overridden", "confirmed", "overridden"]
    path = tmp_path / "reviewed.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    _, text, images = read_pdf(path)
    for row, words in ((uninfected, "overridden"), (parasitized, "confirmed"),
                       (downgraded, "overridden")):
        assert f"P {batch.results[row].probability:.3f} {words}" in text
    assert "Parasitized by the model, uninfected by the reviewer (1, highest" in text
    assert images == _printed_cells(batch) + 1


def test_the_pdf_captions_a_cell_marked_unsure(window, qtbot, two_folders, tmp_path):
    """A cell marked unsure was pictured with no caption, while the reviewed ones beside it
    said "confirmed" or "overridden"."""
    _gather(window, qtbot, two_folders)
    batch = window.batch
    rows = sorted((row for row, result in enumerate(batch.results) if result.ok),
                  key=lambda row: batch.results[row].probability)
    unsure, confirmed = rows[-1], rows[-2]
    for row, call in ((unsure, UNSURE), (confirmed, PARASITIZED)):
        window.table.select_source_row(row)
        window.review_current(call)
    path = tmp_path / "unsure.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    assert f"P {batch.results[confirmed].probability:.3f} confirmed" in text
    assert f"P {batch.results[unsure].probability:.3f} marked unsure" in text


def test_the_pdf_says_age_sex_and_collection_date_not_given(window, qtbot, cell_folder,
                                                             tmp_path):
    """Age, sex and collection date nobody typed were printed blank, where the Case tab says
    "not given"; those typed print as typed."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.case.update(sample_id="S-9", site="Ward 3")
    path = tmp_path / "facts.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    assert "Age not given Sex not given Collected on not given Site Ward 3" in text
    window.case.update(age_years=34, sex="female", collected_on="2026-03-01")
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4", overwrite=True)
    assert "Age 34 years Sex female Collected on 2026-03-01" in read_pdf(path)[1]


def test_export_pdf_and_print_wait_for_the_screening_to_end(window, qtbot, big_folder):
    """Export PDF… and Print… stayed enabled while a batch was being screened (Export CSV
    is not): a report of the cells screened so far could be printed as the slide's."""
    actions = (window.actions.export_pdf, window.actions.print_report, window.actions.export)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.open_paths([big_folder])
        qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=SCREEN_TIMEOUT_MS)
        assert window.controller.screening
        assert [action.isEnabled() for action in actions] == [False, False, False]
    assert [action.isEnabled() for action in actions] == [True, True, True]


def test_export_pdf_and_print_are_off_from_the_start_of_an_addition(window, qtbot, tmp_path,
                                                                    big_folder):
    """Adding images to a case with cells left Export PDF and Print on until the first new
    cells came in (for the whole screening when none were new): a report of the cells held
    could be printed while 2,000 more were being screened."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "first", 6)[0].parent])
    actions = (window.actions.export_pdf, window.actions.print_report, window.actions.export)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.open_paths([big_folder]) and window.controller.screening
        assert [action.isEnabled() for action in actions] == [False, False, False]
    assert [action.isEnabled() for action in actions] == [True, True, True]


def test_reports_come_back_after_cancelling_images_waiting_for_the_model(
        make_window, qtbot, left_session, tmp_path):
    """Cancelling images that waited for the model told the window it was idle while they
    still waited: Export CSV stayed off with nothing to wait for, until the model loaded."""
    window = make_window(start=False)
    window.autosave.resume()
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    assert len(window.batch) and window.actions.export.isEnabled()
    assert not window.actions.export_pdf.isEnabled()  # the result waits for the model's card
    assert window.open_paths([make_cell_folder(tmp_path / "more", 3)[0].parent])
    assert window.controller.waiting and not window.actions.export.isEnabled()
    window.controller.cancel()
    assert not window.controller.screening and window.actions.export.isEnabled()
    with qtbot.waitSignal(window.controller.model_ready, timeout=SCREEN_TIMEOUT_MS):
        window.start()
    assert window.actions.export_pdf.isEnabled() and window.actions.print_report.isEnabled()
