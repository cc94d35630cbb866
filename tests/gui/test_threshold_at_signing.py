"""A threshold moved from the model card's, in what the case says of it: the Sign form, the
case tab, the PDF and the register's CSV export, each written by the real window or its
register and read back."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from malariascope.core.register import Register
from malariascope.core.words import threshold_words
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.test_unsure_after_threshold import _type_threshold, screen_slide
from tests.gui.test_unsure_in_reports import _export_pdf
from tests.reports import read_rows
from tests.test_printing_limits import printed_text

MOVED = 0.3


def _sign_form(window, qtbot) -> SignDialog:
    """The Sign form, opened with every flagged cell reviewed (no question before it)."""
    batch = window.batch
    for row in range(len(batch)):
        if batch.suspect(row) and not batch.reviewed(row):
            assert batch.confirm(row)
    window.actions.sign.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    return next(d for d in window.findChildren(SignDialog) if d.isVisible())


def _words(dialog: SignDialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_a_threshold_moved_from_the_models_is_said_at_signing_and_exported(
        window, qtbot, tmp_path: Path, real_cells, data_folder: Path):
    """The threshold moved from the card's 0.1873 to 0.3 called fewer cells uncertain and
    left fewer to review, yet the Sign form listed only the target and the reviews, and
    the register's export had no column for the threshold: a signed result said nothing of
    it."""
    screen_slide(window, qtbot, tmp_path, real_cells)
    card = window.batch.facts.default_threshold
    assert card is not None and threshold_words(card) != threshold_words(MOVED)
    dialog = _sign_form(window, qtbot)
    assert "threshold" not in _words(dialog)  # the card's own: nothing to say
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())

    _type_threshold(window, qtbot, MOVED)
    caution = (f"The threshold {threshold_words(MOVED)} is not the model's "
               f"{threshold_words(card)}: a higher threshold calls fewer cells "
               "parasitized and flags fewer for review.")
    dialog = _sign_form(window, qtbot)
    assert f"• {caution}" in _words(dialog)
    dialog.name.setText("Ann Lee")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert f"<li>{escape(caution)}</li>" in window.case_panel.result.text()
    pages = "".join(printed_text(_export_pdf(window, qtbot, tmp_path / "S.pdf")))
    assert "".join(caution.split()) in pages

    with Register(data_folder) as register:
        assert register.export_csv(tmp_path / "lis.csv") == 1
    (row,) = read_rows(tmp_path / "lis.csv")
    assert list(row)[-4:-2] == ["threshold", "model_threshold"]  # appended in turn
    assert (row["threshold"], row["model_threshold"]) == ("0.3000", threshold_words(card))
