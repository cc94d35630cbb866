"""What an adaptation in the window left out of the lab's real fields, and why."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from malariascope.core.modelcard import load_card
from malariascope.gui.adapt_dialog import AdaptDialog
from tests.gui.helpers import MODEL_TIMEOUT_MS, wait_for_box
from tests.test_cli_adapt import FIELDS, misfit_fields

LAB_CELLS = 25  # of each class: the fewest an adaptation takes, for a quick one


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_fields_left_out_for_their_annotations_are_named_in_the_refusal(window, qtbot,
                                                                        tmp_path):
    """Every field was left out for its annotations and the window said only "0 uninfected
    cells labelled": nothing of the fields, nor why (the command line warned)."""
    fields = misfit_fields(tmp_path / "fields")
    window.models.adapt([fields], None, tmp_path / "lab-model")
    box = wait_for_box(qtbot, window, "Adaptation refused", timeout=MODEL_TIMEOUT_MS)
    assert "0 uninfected cells labelled" in box.text()
    assert (f"{fields.resolve()}: 3 images or cells skipped (the first: PA171693.JPG: "
            "annotated box ") in box.text()
    assert "are these its annotations?" in box.text()
    assert not (tmp_path / "lab-model").exists()
    box.close()


def _lab_cells(cell_test_dir: Path, root: Path) -> Path:
    """``root/{parasitized,uninfected}/``: real cells of 13 NIH slides, the fewest an
    adaptation takes; adapted to them, the model does no worse than its base, so it is
    written."""
    for label in ("parasitized", "uninfected"):
        (root / label).mkdir(parents=True)
        for path in sorted((cell_test_dir / label).glob("*.png"))[::30][:LAB_CELLS]:
            shutil.copy(path, root / label / path.name)
    return root


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_fields_left_out_of_an_adaptation_written_are_named_under_its_figures(
        window, qtbot, tmp_path, cell_test_dir, answer_questions):
    """Model > Adapt to this lab… given a lab's cells and real fields whose annotations do
    not fit them: the model is written, and the box of its figures names the fields left
    out, and why, under them (no window test ran an adaptation through to that box)."""
    asked = answer_questions(QMessageBox.StandardButton.No)  # keep screening with the base
    cells, fields = _lab_cells(cell_test_dir, tmp_path / "cells"), misfit_fields(
        tmp_path / "fields")
    window.models.adapt_action.trigger()
    form = next(dialog for dialog in window.findChildren(AdaptDialog) if dialog.isVisible())
    form.add_sources([cells, fields])
    with qtbot.waitSignal(window.models.adapted, timeout=5 * MODEL_TIMEOUT_MS) as written:
        form.ok_button.click()
    folder, _ = written.args
    assert load_card(str(folder)).adapted is not None
    [text] = asked
    figures = text.index("Ranking of cells (AUC)")
    left_out = text.index(f"<p>{escape(str(fields.resolve()))}: 3 images or cells skipped "
                          "(the first: PA171693.JPG: annotated box ")
    assert figures < left_out < text.index("The adapted model is in")
    assert "are these its annotations?)</p>" in text[left_out:]
    assert window.controller.model is None  # answered No: the base model screens on
