"""The register dialog over a register written through the core: cases found by what the lab
knows of them, and the register opened by a window without autosave. The fixtures and
helpers here serve the register's other tests (``test_register_dialog_past``, ``_export``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

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
from tests.gui.helpers import MODEL_TIMEOUT_MS
from tests.images import make_cell_folder

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
    assert dialog.model.cases == []  # not the list of the search before


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

