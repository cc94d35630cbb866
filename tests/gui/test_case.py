"""The slide as the unit of work in the real window: a case gathered from several folders,
counted against its target, signed, refused edits, amended, saved and printed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QProxyStyle,
    QScrollArea,
    QStyle,
)

from malariascope.core.errors import CaseSignedError
from malariascope.core.register import Register
from malariascope.core.tally import PARASITIZED, UNINFECTED, UNSURE
from malariascope.gui.case_dialogs import AmendDialog, SignDialog
from malariascope.gui.settings import app_settings
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    close_window,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.saving_faults import writes_done
from tests.images import make_cell_folder
from tests.reports import read_pdf, read_summary


@pytest.fixture
def two_folders(tmp_path, real_cells):
    """Two fields of one slide, as folders: real parasitized cells, real uninfected ones."""
    folders = []
    for label in ("parasitized", "uninfected"):
        folder = tmp_path / f"{label}-cells"
        folder.mkdir()
        for path in real_cells[label]:
            shutil.copy(path, folder / path.name)
        folders.append(folder)
    return folders


def _printed_cells(batch) -> int:
    """The cells a report pictures: those finally parasitized, and the uncertain ones nobody
    reviewed."""
    return sum(1 for row in range(len(batch)) if batch.results[row].ok and (
        batch.final_call(row) == PARASITIZED or (batch.uncertain(row) and not batch.reviewed(row))))


def _type_facts(window, qtbot) -> None:
    panel = window.case_panel
    window.central.show_case()
    qtbot.keyClicks(panel.sample_id, "S-2026-0412")
    qtbot.keyClicks(panel.patient_id, "P-00917")
    qtbot.keyClicks(panel.operator, "Ann Lee")
    panel.target.setValue(100)


def _gather(window, qtbot, folders) -> None:
    """Open the folders one after the other, as fast as a technician clicks: they queue."""
    with qtbot.waitSignal(window.controller.screening_finished,
                          timeout=SCREEN_TIMEOUT_MS) as blocker:
        for folder in folders:
            assert window.open_paths([folder])
    assert blocker.args[1], "screening did not complete"


def _sign(window, qtbot, name: str = "Ann Lee") -> None:
    """Sign through the dialogs: Sign anyway over the flagged cells, then the signature."""
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    dialog.name.setText(name)
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        dialog.ok.click()


def test_the_window_gathers_two_folders_into_one_case_and_signs_it(
        window, qtbot, two_folders, data_folder):
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders)
    batch, case = window.batch, window.case
    assert len(batch) == 24 and batch.facts.sources == tuple(f.name for f in two_folders)
    assert window.summary.text("cells") == "24 / 100"
    assert batch.confirm(0) and window.isWindowModified()
    result = case.result()
    assert (result.cells_counted, result.target_cells, result.target_reached) == (24, 100, False)
    assert "24 / 100 red cells counted: 76 to go" in window.case_panel.result.text()
    assert "Parasites per µL" in window.case_panel.result.text()
    assert result.parasites_per_ul is None  # no red cell count entered: none assumed

    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.open_paths([two_folders[0]])  # a folder added twice counts once
    assert len(batch) == 24 and "12 files already in the case" in window.status.currentMessage()

    flagged = result.unreviewed_flagged
    assert flagged > 0
    _sign(window, qtbot)
    signed = case.case.signed
    assert signed.signature.name == "Ann Lee" and signed.signature.unreviewed_flagged == flagged
    assert signed.facts.sample_id == "S-2026-0412" and signed.facts.patient_id == "P-00917"
    assert "Signed" in window.case_panel.result.text()
    assert not window.isWindowModified()  # saved: quitting asks nothing
    with Register(data_folder) as register:
        stored = register.load(case.case.uid)
        assert stored.case.signed == signed and len(stored.cells) == 24
        assert stored.case.sources == batch.facts.sources
        assert len(register.pictures(case.case.uid)) == _printed_cells(batch) > 0


def test_a_signed_case_refuses_reviews_undo_facts_threshold_and_images(window, qtbot,
                                                                         two_folders, tmp_path):
    """A signed case takes no review, fact, threshold or image; Undo and Redo are off."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    batch = window.batch
    window.table.select_source_row(1)
    window.review_current(PARASITIZED)  # before signing: an undoable step
    _sign(window, qtbot)
    decisions = list(batch.history)
    assert not window.actions.undo.isEnabled() and not window.actions.redo.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert batch.history == decisions and batch.reviewed(1)
    window.table.select_source_row(0)
    window.review_current(PARASITIZED)
    assert batch.history == decisions and not batch.reviewed(0)
    assert "is signed: amend it" in window.status.currentMessage()
    with pytest.raises(CaseSignedError):
        batch.set_reviews({0: PARASITIZED})
    with pytest.raises(CaseSignedError):
        batch.set_sample_id("S-other")
    assert not window.case_panel.sample_id.isEnabled()
    assert not window.controls.threshold.isEnabled()
    assert not window.actions.open_folder.isEnabled() and not window.actions.sign.isEnabled()
    make_cell_folder(tmp_path / "more", 3)
    assert not window.open_paths([tmp_path / "more"]) and len(batch) == 12


def test_an_amendment_keeps_the_signed_version(window, qtbot, two_folders, data_folder):
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    window.table.select_source_row(0)
    window.actions.confirm.trigger()  # a review the signature counts
    _sign(window, qtbot)
    first = window.case.case.signed
    window.actions.amend.trigger()
    dialog = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
    assert not dialog.ok.isEnabled()  # no reason, no amendment
    dialog.reason.setPlainText("A second reader reviewed the parasitized cells")
    dialog.name.setText("Ben Okafor")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        dialog.ok.click()
    case = window.case.case
    assert case.signed is None and case.amendments[0].replaced == first
    assert case.amendments[0].by == "Ben Okafor"
    assert not window.actions.undo.isEnabled()  # undo never reaches a review signed before
    row = next(row for row in range(len(window.batch)) if window.batch.call(row) == PARASITIZED)
    window.table.select_source_row(row)
    window.review_current("uninfected")  # open again: a review is taken
    assert window.batch.final_call(row) == "uninfected" and window.actions.undo.isEnabled()
    _sign(window, qtbot, "Ben Okafor")
    assert not window.actions.undo.isEnabled()
    assert case.signed.result.parasitized == first.result.parasitized - 1
    with Register(data_folder) as register:
        stored = register.load(case.uid)
    assert stored.case.amendments[0].replaced == first and stored.case.signed == case.signed
    assert stored.finals[row] == "uninfected"


def test_a_reason_typed_at_once_into_the_amend_form_is_its_reason(window, qtbot, two_folders):
    """The Amend form opened with the keys on Cancel: the reason's letters were lost and its
    first space pressed Cancel, the case left signed without a word."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    _sign(window, qtbot)
    window.actions.amend.trigger()
    dialog = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    qtbot.keyClicks(dialog.focusWidget(), "Second reader")
    assert dialog.isVisible() and dialog.reason.toPlainText() == "Second reader"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # on to the name, no tab typed
    assert dialog.reason.toPlainText() == "Second reader" and dialog.focusWidget() is dialog.name


class _CancelFirst(QProxyStyle):
    """Buttons laid out as on GNOME and KDE desktops: Cancel left of OK, and first to Tab."""

    def styleHint(self, hint, *args):  # noqa: N802 (Qt API)
        if hint == QStyle.StyleHint.SH_DialogButtonLayout:
            return QDialogButtonBox.ButtonLayout.GnomeLayout.value
        return super().styleHint(hint, *args)


@pytest.fixture
def cancel_first(qapp):
    """The application styled with :class:`_CancelFirst` for the test."""
    name = qapp.style().name()
    qapp.setStyle(_CancelFirst(name))
    yield
    qapp.setStyle(name)


def test_one_enter_in_the_sign_form_does_not_sign(window, qtbot, two_folders, cancel_first):
    """The Sign form opened with the signer's name filled in and Sign as its default: one
    Enter, nothing read or typed, made the result final. Tab from the name went to Cancel, so
    Tab and Space cancelled."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and not window.case.signed
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)  # Tab, then Space: Sign, not Cancel
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(window.case.signed))


def test_spaces_typed_in_the_case_form_stay_where_they_are_typed(make_window, qtbot):
    panel = make_window(start=False).case_panel
    typed = {"site": "Ward 3 east", "patient_id": "P 917", "lab": "Central Lab, Kisumu"}
    for name, words in typed.items():
        qtbot.keyClicks(panel.lines[name], words)
    qtbot.keyClicks(panel.notes, "Fever for 3 days")
    facts = panel.case.case.facts
    assert {name: getattr(facts, name) for name in typed} == typed
    assert {name: panel.lines[name].text() for name in typed} == typed
    assert facts.notes == panel.notes.toPlainText() == "Fever for 3 days"


def test_new_case_starts_empty_and_keeps_the_labs_facts_also_after_a_restart(
        make_window, qtbot, two_folders):
    window = make_window()
    _type_facts(window, qtbot)
    assert window.case_panel.stain.currentText() == "not stated"  # until someone says
    window.case_panel.stain.setCurrentText("Field's")
    qtbot.keyClicks(window.case_panel.lab, "Central Lab, Kisumu")
    _gather(window, qtbot, two_folders[:1])
    _sign(window, qtbot)
    old = window.case.case
    assert window.case_flow.new_case()  # a signed case is kept: no question
    facts = window.case.case.facts
    assert len(window.batch) == 0 and window.case.case is not old and not window.case.signed
    assert (facts.sample_id, facts.patient_id) == ("", "")
    assert (facts.operator, facts.stain, facts.target_cells) == ("Ann Lee", "Field's", 100)
    assert facts.lab == "Central Lab, Kisumu" == window.case_panel.lab.text()
    assert window.case_panel.sample_id.text() == "" and window.case_panel.sample_id.isEnabled()
    assert window.central.tabs.currentWidget() is window.case_panel  # its facts on show
    close_window(window, qtbot)
    again = make_window(start=False).case.case.facts
    assert (again.lab, again.stain, again.operator) == ("Central Lab, Kisumu", "Field's",
                                                        "Ann Lee")


def test_the_labs_facts_outlast_a_crash(make_window, qtbot):
    """The lab's name, site, stain, microscopist and target were remembered only as the window
    closed: after a crash the next start had none of them."""
    window = make_window(start=False)
    qtbot.keyClicks(window.case_panel.operator, "Cy Oduya")
    window.case_panel.stain.setCurrentText("Field's")
    qtbot.keyClicks(window.case_panel.lab, "Lab after a crash")
    qtbot.waitUntil(lambda: app_settings().value("case/lab") == "Lab after a crash",
                    timeout=10_000)
    again = make_window(start=False).case.case.facts  # the first never closed
    assert (again.lab, again.stain, again.operator) == ("Lab after a crash", "Field's",
                                                        "Cy Oduya")


def test_the_pdf_from_the_window_holds_the_signed_case(window, qtbot, two_folders, tmp_path,
                                                       monkeypatch):
    _type_facts(window, qtbot)
    qtbot.keyClicks(window.case_panel.lab, "Central Lab, Kisumu")
    window.case_panel.rbc.setText("5,000,000")
    window.case_panel.rbc.editingFinished.emit()
    _gather(window, qtbot, two_folders)
    _sign(window, qtbot)
    result = window.case.case.signed.result
    path = tmp_path / "S-2026-0412.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    _, text, images = read_pdf(path)
    for words in ("Slide (sample) id S-2026-0412", "Patient id P-00917", "Microscopist Ann Lee",
                  f"{result.cells_counted:,} of a target of 100: target not reached",
                  "Signed by Ann Lee", "A screening aid, not a diagnosis",
                  f"{result.parasites_per_ul:,.0f}", window.batch.facts.model_sha256[:12],
                  "Stain not stated"):
        assert words in text
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


def test_with_autosave_on_the_signed_case_is_the_one_case_in_the_register(
        make_window, qtbot, two_folders, data_folder):
    """Autosave keeps the case in progress in the register; signing saves that same case
    signed, with the pictures its report shows, never a second copy."""
    window = make_window()
    window.autosave.resume()
    qtbot.waitUntil(lambda: window.autosave.work is not None, timeout=30_000)
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders)
    _sign(window, qtbot)
    uid = window.case.case.uid
    with Register(data_folder) as register:
        listed = register.cases()
        assert [(case.uid, case.status, case.cells) for case in listed] == [(uid, "signed", 24)]
        assert listed[0].signature == window.case.case.signed.signature
        assert len(register.pictures(uid)) == _printed_cells(window.batch)
    close_window(window, qtbot)
    with Register(data_folder) as register:
        assert [case.uid for case in register.cases()] == [uid]  # kept: it is signed


def test_folders_opened_as_the_model_comes_ready_are_all_screened(make_window, qtbot,
                                                                     two_folders):
    """Folders opened from a slot of model_ready (as scripts do) are screened one after the
    other: the queue starts once, whoever starts it first."""
    window = make_window(start=False)
    window.controller.model_ready.connect(
        lambda name: [window.open_paths([folder]) for folder in two_folders])
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.start()
    assert len(window.batch) == 24 and window.controller.complete


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


def test_a_closed_window_writes_no_lab_facts_after_it_closed(make_window, qtbot, tmp_path):
    """The lab's facts were remembered a second after the last key, even once the window had
    closed: that late write went into the settings of whatever ran next (a test's new
    settings: "Ann LeeAnn Lee" as the next window's microscopist)."""
    from PySide6.QtCore import QSettings

    window = make_window()
    qtbot.keyClicks(window.case_panel.operator, "Ann Lee")
    window.close()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "after"))  # settings that are not this window's
    qtbot.wait(1500)
    assert app_settings().value("operator") is None


def test_an_empty_case_names_no_interval_it_does_not_have(window, qtbot, cell_folder):
    """An empty case read "Parasitemia –, Wilson interval"."""
    text = window.case_panel.result.text()
    assert "Parasitemia" in text and "Wilson" not in text
    screen_and_wait(window, qtbot, [cell_folder[0]])
    assert "(95 % CI" in window.case_panel.result.text()
    assert "Wilson interval" in window.case_panel.result.text()


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


def test_the_case_tab_counts_one_unreadable_file_and_one_amendment_in_the_singular(
        window, qtbot, tmp_path):
    """It read "1 files or fields (not counted)" and "amended 1 times"."""
    folder = tmp_path / "slide"
    make_cell_folder(folder, 3)
    (folder / "zero.png").write_bytes(b"")
    _type_facts(window, qtbot)
    screen_and_wait(window, qtbot, [folder])
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann Lee")
    text = window.case_panel.result.text()
    assert "1 file (1 unreadable), not counted" in text and "amended 1 time;" in text
    qtbot.waitUntil(lambda: writes_done(window), timeout=60_000)  # Quit keeps the amendment


def test_the_case_tab_counts_one_reviewed_cell_in_the_singular(window, qtbot, tmp_path):
    """It read "Reviewed: 1 cells"."""
    make_cell_folder(tmp_path / "slide", 3)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    window.table.select_source_row(0)
    window.review_current(PARASITIZED)
    qtbot.waitUntil(lambda: "1 cell; flagged" in window.case_panel.result.text())
    window.table.select_source_row(1)
    window.review_current(UNINFECTED)
    qtbot.waitUntil(lambda: "2 cells; flagged" in window.case_panel.result.text())


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


def test_new_case_brings_the_form_back_to_its_slide_id(window, qtbot, cell_folder):
    """On a short screen the Case tab stayed scrolled down after New case: a click meant for
    the slide id landed in the target count."""
    window.resize(1024, 560)
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.central.show_case()
    scroll = window.case_panel.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)  # the form is taller than its room
    scroll.setValue(scroll.maximum())
    assert window.case_panel.sample_id.visibleRegion().isEmpty()
    assert window.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: not window.case_panel.sample_id.visibleRegion().isEmpty())
