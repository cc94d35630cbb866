"""A case signed at a threshold moved from the model card's, in a register from before results
kept their thresholds (schema 20), opened in the real window: its Case tab and its PDF say the
threshold moved, as those of a case signed now do."""

from __future__ import annotations

from html import escape

from malariascope.core.classifier import Classifier
from malariascope.core.words import threshold_words
from tests.core.test_register_thresholds_before import older_register
from tests.gui.helpers import started_window
from tests.gui.test_register_dialog import open_past, open_register
from tests.gui.test_unsure_in_reports import _export_pdf
from tests.test_printing_limits import printed_text


def test_a_case_signed_before_thresholds_were_kept_says_its_threshold_moved(
        make_window, qtbot, data_folder, tmp_path):
    """Its Case tab and PDF said nothing of the 0.3 its cells were called at, though the case
    records the rule of its calls and the bundled model, whose card says 0.1873."""
    classifier = Classifier.open()
    older_register(data_folder, classifier)
    window = started_window(make_window, qtbot)
    open_past(open_register(window, qtbot), qtbot, "S-1")
    caution = (f"The threshold 0.3000 is not the model's "
               f"{threshold_words(classifier.rule.threshold)}: a higher threshold calls fewer "
               "cells parasitized and flags fewer for review.")
    assert f"<li>{escape(caution)}</li>" in window.case_panel.result.text()
    pages = "".join(printed_text(_export_pdf(window, qtbot, tmp_path / "S-1.pdf")))
    assert "".join(caution.split()) in pages
