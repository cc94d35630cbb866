"""Signed cases of the case register, adapted to from the window's Adapt to this lab form."""

from __future__ import annotations

import json

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox, QPushButton

from malariascope.core.adapt.registered import signed_cases
from malariascope.core.modelcard import CARD_NAME
from malariascope.core.register import FILE_NAME
from malariascope.gui.adapt_cases import SignedCasesDialog
from malariascope.gui.adapt_dialog import AdaptDialog
from tests.core.test_adapt_model import SLIDES, write_lab
from tests.gui.helpers import MODEL_TIMEOUT_MS, wait_for_box
from tests.registered import export_case, register_lab


def test_signed_cases_of_the_register_adapt_from_the_window(make_window, qtbot, tmp_path,
                                                            data_folder, answer_questions):
    """The form offered files and folders only: cases reviewed and signed in the window
    could be adapted to from the command line alone."""
    cells = write_lab(tmp_path / "cells")
    signed = register_lab(data_folder, cells)
    register_lab(data_folder, cells, sign=False)  # open: their calls may still change
    window = make_window()
    asked = answer_questions(QMessageBox.StandardButton.No)
    form = window.models.ask_adapt(out_dir=tmp_path / "lab-model")
    add_cases = next(button for button in form.findChildren(QPushButton)
                     if button.text() == "Add ca&ses…")
    add_cases.click()
    picker = form.findChild(SignedCasesDialog)
    with qtbot.waitSignal(picker.listed, timeout=MODEL_TIMEOUT_MS) as listed:
        pass
    assert listed.args == [SLIDES]  # the open cases are not offered
    assert {case.uid for case in picker.model.cases} == {case.uid for case in signed}
    picker.table.clearSelection()  # the list selects its first row as it takes the focus
    assert not picker.add_button.isEnabled()  # nothing selected
    picker.table.selectAll()
    picker.add_button.click()
    assert not picker.isVisible()
    assert {case.uid for case in form.cases()} == {case.uid for case in signed}
    listed_words = [form.source_list.item(i).text() for i in range(form.source_list.count())]
    assert sorted(words.split(",")[0] for words in listed_words) == [
        f"Register case S{slide}" for slide in range(SLIDES)]
    assert all("16 cells, signed by Ann Lee" in words for words in listed_words)
    assert form.sources() == [] and form.ok_button.isEnabled()
    form.ok_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=5 * MODEL_TIMEOUT_MS)
    assert "Adapted from" in asked[0]
    card = json.loads((tmp_path / "lab-model" / CARD_NAME).read_text())
    named = [(source["kind"], source["path"]) for source in card["adapted"]["sources"]]
    register = (data_folder / FILE_NAME).resolve()
    assert sorted(named) == sorted(("register case", f"{register}#{case.uid}")
                                   for case in signed)


def test_a_refused_adaptation_to_cases_opens_the_form_again_holding_them(window, qtbot,
                                                                         tmp_path, data_folder):
    register_lab(data_folder, write_lab(tmp_path / "cells"))
    cases = signed_cases(data_folder)[:2]  # 16 parasitized cells: too few
    window.models.adapt([], None, tmp_path / "lab-model", cases)
    box = wait_for_box(qtbot, window, "Adaptation refused", timeout=MODEL_TIMEOUT_MS)
    assert "at least 25 of each class" in box.text()
    assert not (tmp_path / "lab-model").exists()
    box.close()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(AdaptDialog)))
    again = next(dialog for dialog in window.findChildren(AdaptDialog) if dialog.isVisible())
    assert [case.uid for case in again.cases()] == [case.uid for case in cases]
    assert again.sources() == [] and again.source_list.count() == 2
    again.reject()


def test_a_case_and_its_own_report_adapt_from_the_window_on_each_cell_once(
        window, qtbot, tmp_path, data_folder, answer_questions):
    """A signed case added to the form beside the report exported from it was adapted on
    twice, and the results box said nothing of it: 40 cells of each class from 5 slides."""
    signed = register_lab(data_folder, write_lab(tmp_path / "cells"))
    report = export_case(data_folder, signed[0], tmp_path / "S0.csv")
    asked = answer_questions(QMessageBox.StandardButton.No)
    window.models.adapt([report], None, tmp_path / "lab-model", signed_cases(data_folder))
    qtbot.waitUntil(lambda: bool(asked), timeout=5 * MODEL_TIMEOUT_MS)
    shown = QTextDocument()
    shown.setHtml(asked[0])
    assert ("on 32 parasitized and 32 uninfected cells from 4 fields or slides. 16 repeated "
            "cells were left out: a cell given again, by another source or twice by one") in (
        " ".join(shown.toPlainText().split()))
