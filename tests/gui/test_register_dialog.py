"""The register dialog over a register written through the core: cases found by what the lab
knows of them, one reopened read-only in the window, the register or a selection exported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from malariascope.core.case import Case, CaseFacts, ReviewDecision
from malariascope.core.classifier import PARASITIZED, Classifier
from malariascope.core.clock import local_time
from malariascope.core.pipeline import screen
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from malariascope.core.tally import Counts
from malariascope.gui.app import start
from malariascope.gui.register_dialog import RegisterDialog
from tests.core.test_register import counts_of
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)
from tests.images import make_cell_folder
from tests.reports import read_rows

WAIT_MS = 60_000
AT = "2026-03-06T09:30:00+00:00"


@pytest.fixture
def filed(data_folder: Path, tmp_path: Path) -> dict[str, Case]:
    """Three cases in the register: S-1 (real cells, a review by Bob, signed by Ann,
    positive), S-2 (open, negative) and X-3 (signed by Cy, positive); two of patient P-42."""
    classifier = Classifier.open()
    results = list(screen(make_cell_folder(tmp_path / "slide", 8), classifier))
    rule = classifier.rule
    review = ReviewDecision(0, "Bob", AT, rule.call(results[0].probability), PARASITIZED,
                            PARASITIZED)
    counts = counts_of(results, classifier, {0: PARASITIZED})
    model = {"model": classifier.model_name, "model_sha256": classifier.backend.model_sha256}
    cases = {
        "S-1": Case(CaseFacts(sample_id="S-1", patient_id="P-42", collected_on="2026-03-01",
                              operator="Ann"), **model, rule=rule, sources=("slide",)),
        "S-2": Case(CaseFacts(sample_id="S-2", patient_id="P-7", collected_on="2026-03-05",
                              operator="Dee"), **model),
        "X-3": Case(CaseFacts(sample_id="X-3", patient_id="P-42", collected_on="2026-02-20",
                              operator="Cy"), **model),
    }
    positive = Counts(rows=10, parasitized=3, uninfected=7, model_parasitized=3)
    with Register(data_folder) as register:
        one, two, three = cases.values()
        register.save(one, one.result(counts), cells=results, reviews=[review])
        one.sign("Ann", counts, at=AT)
        register.save(one)
        register.save(two, two.result(Counts(rows=10, uninfected=10)))
        three.sign("Cy", positive, at=AT)
        register.save(three)
    return cases


def listed(dialog: RegisterDialog, qtbot, change) -> list[str]:
    """The slide ids the dialog lists once ``change`` (a search typed or picked) is done."""
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        change()
    return sorted(case.facts.sample_id for case in dialog.model.cases)


def open_register(window, qtbot) -> RegisterDialog:
    """File > Case register…, once it lists the cases (the search runs in a worker: its
    answer arrives only when the event loop runs, in ``waitSignal``)."""
    window.actions.cases.trigger()
    dialog = window.findChild(RegisterDialog)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        pass
    return dialog


@pytest.fixture
def dialog(make_window, qtbot, filed) -> RegisterDialog:
    """The register dialog of a started window (autosave on, the model loaded), listing every
    case."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    return open_register(window, qtbot)


def select(dialog: RegisterDialog, sample_id: str) -> None:
    """Select the case of ``sample_id`` in the list as shown (sorted or not)."""
    shown = dialog.table.model()
    dialog.table.selectRow(next(row for row in range(shown.rowCount())
                                if shown.index(row, 0).data() == sample_id))


def test_cases_are_listed_and_found_by_patient_slide_date_result_reviewer(dialog, qtbot, filed):
    assert not dialog.owns_register  # the window's own register
    assert sorted(case.facts.sample_id for case in dialog.model.cases) == ["S-1", "S-2", "X-3"]
    model = dialog.model
    row = {model.index(r, 0).data(): [model.index(r, c).data() for c in range(9)]
           for r in range(model.rowCount())}
    opened = local_time(filed["S-1"].created_at, seconds=True)
    assert row["S-1"][:6] == ["S-1", "P-42", opened, "2026-03-01", "signed", "8"]
    assert row["S-1"][6].endswith(" %") and row["S-1"][7] == "Ann"
    assert row["S-2"][4:9] == ["open", "10", "0.00 %", "Dee", ""]  # not signed
    assert listed(dialog, qtbot, lambda: qtbot.keyClicks(dialog.patient, "p-42")) == [
        "S-1", "X-3"]
    assert listed(dialog, qtbot, lambda: dialog.patient.clear()) == ["S-1", "S-2", "X-3"]
    assert listed(dialog, qtbot, lambda: qtbot.keyClicks(dialog.slide, "s-")) == ["S-1", "S-2"]
    assert listed(dialog, qtbot, lambda: qtbot.keyClicks(dialog.date_from, "2026-03-02")) == [
        "S-2"]
    dialog.slide.clear()
    assert listed(dialog, qtbot, lambda: dialog.date_from.setText("")) == ["S-1", "S-2", "X-3"]
    assert listed(dialog, qtbot, lambda: dialog.date_to.setText("2026-03-01")) == ["S-1", "X-3"]
    assert listed(dialog, qtbot, lambda: dialog.result.setCurrentText("Negative")) == []
    dialog.date_to.clear()
    assert listed(dialog, qtbot, lambda: dialog.status.setCurrentText("Open")) == ["S-2"]
    dialog.status.setCurrentText("Open or signed")
    assert listed(dialog, qtbot, lambda: dialog.result.setCurrentText("Positive")) == [
        "S-1", "X-3"]
    assert listed(dialog, qtbot, lambda: qtbot.keyClicks(dialog.reviewer, "bob")) == ["S-1"]
    dialog.date_from.setText("2026-13-01")
    dialog.search()
    assert dialog.note.text().startswith("Cannot search: '2026-13-01' is not a date")
    assert sorted(case.facts.sample_id for case in dialog.model.cases) == ["S-1"]


def test_enter_in_a_search_box_searches_and_reopening_starts_in_patient(dialog, qtbot):
    dialog.activateWindow()
    dialog.date_from.setFocus()
    qtbot.keyClicks(dialog.date_from, "2026-03-02")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.keyClick(dialog.date_from, Qt.Key.Key_Return)  # searches at once
    assert dialog.isVisible()
    assert sorted(case.facts.sample_id for case in dialog.model.cases) == ["S-2"]
    dialog.date_from.clear()
    dialog.reject()
    window = dialog.parent()
    open_register(window, qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.patient)
    qtbot.keyClicks(QApplication.focusWidget(), "P-7")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Enter)
    assert dialog.isVisible()
    assert [case.facts.sample_id for case in dialog.model.cases] == ["S-2"]


def test_down_in_a_search_box_takes_the_keys_to_the_cases_found(dialog, qtbot):
    """A slide id typed in Slide and Enter listed its case, but neither Enter nor Down
    reached the list: the keys stayed in the box, and a technician on the keyboard pressed
    Tab six times, through every search field, to open the case."""
    dialog.activateWindow()
    dialog.slide.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.slide)
    qtbot.keyClicks(dialog.slide, "X-3")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.keyClick(dialog.slide, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.slide, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is dialog.table
    assert dialog.selected_uids() == (dialog.model.cases[0].uid,)
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.parent().batch.facts.sample_id == "X-3"


def test_a_case_reopens_read_only_in_the_window(dialog, qtbot, data_folder, tmp_path, filed):
    window = dialog.parent()
    select(dialog, "S-1")
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and window.past_case.shown is not None
    batch = window.batch
    assert len(batch) == 8 and batch.facts.sample_id == "S-1"
    assert batch.final_call(0) == PARASITIZED and batch.decision(0).reviewer == "Bob"
    assert "case S-1 (signed, read-only)" in window.windowTitle()
    assert window.case.signed and window.actions.open_folder.isEnabled()  # opening ends it
    window.table.select_source_row(1)
    assert not window.detail.review_buttons.isEnabled() and not window.controls.isEnabled()
    assert not window.actions.undo.isEnabled() and not window.actions.redo.isEnabled()
    window.review_current(PARASITIZED)
    assert not batch.reviewed(1) and not window.isWindowModified()
    assert "S-1 is signed: amend it" in window.status.currentMessage()
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "s-1.csv")  # a past case can be reported again
    assert [row["final_call"] for row in read_rows(tmp_path / "s-1.csv")][0] == PARASITIZED
    with Register(data_folder) as register:  # nothing of the view was saved as work
        assert len(register.cases()) == 3 and CaseWork(register).load() is None

    screen_and_wait(window, qtbot, [tmp_path / "slide"])  # new images end the view
    assert window.past_case.shown is None and window.controls.isEnabled()
    assert batch.facts.sample_id == "" and batch.facts.model_sha256 == (
        window.controller.classifier.backend.model_sha256)
    window.table.select_source_row(1)
    window.review_current(PARASITIZED)
    assert batch.reviewed(1) and window.actions.undo.isEnabled()
    with Register(data_folder) as register:  # the new batch is the window's work again
        qtbot.waitUntil(lambda: (CaseWork(register).load() or batch).reviewed == 1,
                        timeout=WAIT_MS)


def test_the_register_or_a_selection_is_exported_never_over_a_file_unasked(dialog, qtbot,
                                                                           tmp_path):
    everything, chosen = tmp_path / "all.csv", tmp_path / "chosen.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.exports.export_to(everything, selected=False)
    assert done.args == [str(everything), 3]
    assert sorted(row["sample_id"] for row in read_rows(everything)) == ["S-1", "S-2", "X-3"]
    select(dialog, "X-3")
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.exports.export_to(chosen, selected=True)
    (row,) = read_rows(chosen)
    assert dialog.note.text() == f"1 case written to {chosen}"
    assert (row["sample_id"], row["signed_by"], row["percent_parasitized"]) == (
        "X-3", "Cy", "30.000")
    before = chosen.read_bytes()
    select(dialog, "S-1")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as failed:
        dialog.exports.export_to(chosen, selected=True)
    assert "exists" in failed.args[0] and chosen.read_bytes() == before
    box = wait_for_box(qtbot, dialog, "Export failed")
    assert "Traceback" not in box.text()
    box.close()
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.exports.export_to(chosen, selected=True, overwrite=True)
    assert [row["sample_id"] for row in read_rows(chosen)] == ["S-1"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_export_buttons_write_the_file_chosen_in_the_save_dialog(dialog, qtbot, tmp_path,
                                                                   monkeypatch):
    chosen = tmp_path / "register"  # typed without ".csv": the dialog adds it
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(chosen), "CSV files (*.csv)"))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        qtbot.mouseClick(dialog.export_all, Qt.MouseButton.LeftButton)
    assert done.args == [str(tmp_path / "register.csv"), 3]
    select(dialog, "S-2")
    chosen = tmp_path / "one.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.export_selected, Qt.MouseButton.LeftButton)
    assert [row["sample_id"] for row in read_rows(chosen)] == ["S-2"]


def test_with_autosave_off_the_dialog_opens_the_register_itself(make_window, qtbot, filed):
    window = make_window()  # autosave not resumed: as in a second window
    dialog = open_register(window, qtbot)
    assert dialog.owns_register and len(dialog.model.cases) == 3
    dialog.reject()
    assert not dialog.owns_register
    assert window.findChild(QMessageBox) is None  # nothing went wrong to be told


def test_with_autosave_off_the_dialog_reads_a_register_it_cannot_write_untouched(
        make_window, qtbot, filed, data_folder, monkeypatch):
    """A data folder that cannot be written (an archive) was refused: SQLite could not make
    the WAL's -shm beside its register. Root writes anyway, so the check of the folder is
    made to say it cannot be written (tests/test_cli_cases.py reads a really read-only one)."""
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: access(
        path, mode, **kwargs) and not (mode & os.W_OK and Path(path).is_relative_to(
            data_folder)))
    window = make_window()  # autosave not resumed: as in a second window
    dialog = open_register(window, qtbot)
    assert dialog.owns_register and len(dialog.model.cases) == 3
    assert not list(data_folder.glob(f"{FILE_NAME}-*"))  # no WAL, no -shm made beside it
    dialog.reject()
    assert window.findChild(QMessageBox) is None


# -- a past case and the window's own work ---------------------------------------------
def saved_work(data_folder) -> str:
    """The slide id of the case the register holds as a window's work ('' for none)."""
    with Register(data_folder) as register:
        left = CaseWork(register).load()
    return "" if left is None else left.facts.sample_id


def open_past(dialog, qtbot, sample_id: str):
    """Open the case of ``sample_id`` from ``dialog``, once it is listed: the window's save
    of it may land after the dialog's first search, which searches again then."""
    window = dialog.parent()
    shown = dialog.table.model()
    qtbot.waitUntil(lambda: any(shown.index(row, 0).data() == sample_id
                                for row in range(shown.rowCount())), timeout=WAIT_MS)
    select(dialog, sample_id)
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        dialog.open_selected()
    qtbot.waitUntil(lambda: not window.past_case.waiting.uid, timeout=WAIT_MS)  # saves done
    return window


def test_closing_the_register_while_a_case_opens_gives_that_case_up(dialog, qtbot):
    """Open, then the register closed at once (Esc): the case still took the window's place
    once it had been read."""
    window = dialog.parent()
    select(dialog, "S-1")
    dialog.open_selected()
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog._opening, timeout=WAIT_MS)
    assert window.past_case.shown is None and len(window.batch) == 0
    assert dialog.note.text() == ""


def test_an_amended_past_case_is_the_windows_work_and_the_next_case_is_saved_too(
        dialog, qtbot, data_folder, tmp_path):
    """Amended in the read-only view, a past case stayed read-only (nothing could be changed
    but its signature) and autosave never saved again: the next case, its cells and reviews
    were lost to a crash."""
    window = open_past(dialog, qtbot, "S-1")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    assert window.past_case.shown is None  # no longer a view: the case is open again
    assert window.controls.isEnabled() and window.actions.mark_parasitized.isEnabled()
    assert "read-only" not in window.windowTitle()
    qtbot.waitUntil(lambda: saved_work(data_folder) == "S-1", timeout=WAIT_MS)
    assert not window.case_flow.new_case(ask=False)  # not while its signature is withdrawn
    wait_for_box(qtbot, window, "Amendment not finished").close()
    assert window.case.case.amending and window.batch.facts.sample_id == "S-1"
    assert window.case_flow.sign("Ann")

    assert window.case_flow.new_case(ask=False)
    window.case.update(sample_id="S-NEXT")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    window.table.select_source_row(0)
    window.review_current("parasitized")
    qtbot.waitUntil(lambda: saved_work(data_folder) == "S-NEXT", timeout=WAIT_MS)
    with Register(data_folder) as register:
        amended = next(case for case in register.cases() if case.facts.sample_id == "S-1")
        assert amended.status == "signed" and amended.amendments == 1


def test_a_new_case_after_a_past_one_has_no_slide_id_and_the_labs_facts(
        dialog, qtbot, data_folder, tmp_path):
    """New case after viewing a past case brought back the slide id of the case open before
    the view, and the title of the past case stayed."""
    window = dialog.parent()
    dialog.reject()
    window.case.update(sample_id="S-005", lab="Central Lab")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "before", 2)[0].parent])
    dialog = open_register(window, qtbot)
    select(dialog, "X-3")
    asked: list[str] = []  # the window's own case is not signed: dropped only when agreed
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    dialog.open_selected()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    assert "its 2 cells and 0 reviews leave the window" in asked[0]
    assert window.past_case.shown is None and window.batch.facts.sample_id == "S-005"
    qtbot.waitUntil(lambda: dialog.note.text() == "Case X-3 not opened")  # not "Opening…"
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    open_past(dialog, qtbot, "X-3")
    assert not window.case_panel.lab.isEnabled()  # its facts on show, not editable
    assert window.case_flow.new_case(ask=False)
    assert window.batch.facts.sample_id == "" and window.case.case.facts.sample_id == ""
    assert window.case.case.facts.lab == "Central Lab"  # the window's lab, not the past case's
    assert "X-3" not in window.windowTitle() and "read-only" not in window.windowTitle()


def test_a_case_on_show_read_only_cannot_be_signed(make_window, qtbot, data_folder,
                                                  tmp_path, filed):
    """An open case of the register, shown read-only, could be signed there: a signature on
    cells nobody could review, and a title that still said 'not signed'. (A window that
    autosaves takes an open case to finish it: this one, as a second window, does not.)"""
    cells = list(screen(make_cell_folder(tmp_path / "open", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = open_past(open_register(make_window(), qtbot), qtbot, "S-4")
    assert window.case.case.signed is None and len(window.batch) == 3
    assert not window.actions.sign.isEnabled()
    assert "case S-4 (not signed, autosave off, read-only)" in window.windowTitle()


def test_a_review_key_on_an_open_case_shown_read_only_says_why_nothing_changes(
        make_window, qtbot, data_folder, tmp_path, filed):
    """P on an open case of the register shown read-only (a window without autosave) did
    nothing and said nothing: the review actions were off, where a signed case's keys say
    why. The buttons stay off; the key now says how the case can be finished."""
    cells = list(screen(make_cell_folder(tmp_path / "open", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = open_past(open_register(make_window(), qtbot), qtbot, "S-4")
    window.table.select_source_row(0)
    assert not window.detail.review_buttons.isEnabled()
    assert not window.cell_window.detail.review_buttons.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_P)
    assert not window.batch.reviewed(0) and not window.isWindowModified()
    assert window.status.currentMessage() == (
        "Case S-4 is shown read-only: only a window that autosaves can finish it")


def test_an_amendment_left_unsigned_is_kept_to_be_finished(make_window, qtbot, data_folder,
                                                           tmp_path, filed):
    """Quit while amending, the case, its signature withdrawn, was neither offered back nor
    signable from the register: a dead end."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    dialog = open_register(window, qtbot)
    window = open_past(dialog, qtbot, "S-1")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    window.case.update(notes="amended: patient id P-43")
    assert window.close()  # at the end of the day: saved as it is, offered back next start
    assert saved_work(data_folder) == "S-1"
    with Register(data_folder) as register:
        assert CaseWork(register).load().case.facts.notes == "amended: patient id P-43"

    other = make_window()  # the register's own view of it continues it too
    dialog = open_register(other, qtbot)
    other = open_past(dialog, qtbot, "S-1")
    assert other.past_case.shown is None and other.case.case.amending
    assert other.actions.sign.isEnabled()


def test_the_title_follows_the_case_on_show(make_window, qtbot, data_folder, tmp_path, filed):
    """The title kept what it said when a batch or a case was opened: the last folder on a
    new, empty case, and "case S-4, not signed" after S-4 was signed, while it was amended
    and once it was signed again."""
    cells = list(screen(make_cell_folder(tmp_path / "kept", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "mine", 2)[0].parent])
    assert window.windowTitle() == "MalariaScope — mine[*]"
    assert window.case_flow.new_case(ask=False)
    assert window.windowTitle() == "MalariaScope[*]"

    window = open_past(open_register(window, qtbot), qtbot, "S-4")  # open: taken to finish
    assert "case S-4 (not signed)" in window.windowTitle()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann")
    assert "case S-4 (signed)" in window.windowTitle()
    assert amend_case(window, qtbot, "a second reader reviewed the cells", "Ann")
    assert "case S-4 (amending)" in window.windowTitle()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann")
    assert "case S-4 (signed)" in window.windowTitle()
    assert "not signed" not in window.windowTitle()
