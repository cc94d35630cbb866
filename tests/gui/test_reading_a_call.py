"""What the window says of how a call is made: both thresholds where they apply, the keys,
the page on reading a call, and the About box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from malariascope.core.words import threshold_words
from malariascope.gui.help_pages import HelpPage


def _page(qtbot, window, title: str) -> HelpPage:
    """The help page titled ``title`` that ``window`` shows, once it is shown."""
    def shown() -> list[HelpPage]:
        return [page for page in window.findChildren(HelpPage)
                if page.isVisible() and page.windowTitle() == title]

    qtbot.waitUntil(lambda: bool(shown()))
    return shown()[0]


def test_the_threshold_control_shows_the_field_threshold_it_implies(window, qtbot):
    """Moving the threshold from 0.187 to 0.5 moved the field threshold from 0.950 to 0.988,
    seen only in the report."""
    controls, batch = window.controls, window.batch
    card_rule = window.controller.classifier.rule
    assert controls.field_threshold.text() == threshold_words(card_rule.field_threshold)
    controls.threshold.spin.setValue(0.5)
    moved = batch.facts.rule
    assert moved.threshold == 0.5 and moved.field_threshold > card_rule.field_threshold
    assert controls.field_threshold.text() == threshold_words(moved.field_threshold)
    qtbot.mouseClick(controls.reset, Qt.MouseButton.LeftButton)
    assert controls.field_threshold.text() == threshold_words(card_rule.field_threshold)
    assert "whole fields" in controls.field_threshold.toolTip()


def test_f1_lists_every_key_of_the_window(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    box = _page(qtbot, window, "Keys")
    text = box.text.toPlainText()
    # it fits a 1366 x 768 laptop's screen (it was 829 px high at 400 wide)
    qtbot.waitUntil(lambda: box.height() < 768 - 80 and box.width() <= 1366)
    for action in QWidget.actions(window):  # every action added to the window
        for key in action.shortcuts():
            assert key.toString(QKeySequence.SequenceFormat.NativeText) in text, action.text()
    assert "Final call: parasitized" in text and "Show: Uncertain" in text
    assert "PgDn" in text  # the list's own keys too


def test_f1_names_the_boxes_as_the_case_form_labels_them(window, qtbot):
    """Help > Keys spoke of Sample id and Operator boxes that the form labels otherwise."""
    panel = window.case_panel
    caption = {label.buddy(): label.text().rstrip(":").replace("&", "")
               for label in panel.findChildren(QLabel) if label.buddy() is not None}
    window.actions.keys.trigger()
    text = _page(qtbot, window, "Keys").text.toPlainText()
    assert f"In the case form (not {caption[panel.notes]}) or Threshold" in text


def test_how_to_read_a_call_explains_the_thresholds_in_force_and_grad_cam(window, qtbot):
    window.batch.set_threshold(0.5)
    rule = window.batch.facts.rule
    window.actions.how_to_read.trigger()
    text = _page(qtbot, window, "How to read a call").text.toPlainText()
    for said in (threshold_words(rule.threshold), threshold_words(rule.field_threshold),
                 threshold_words(rule.band[0]), "Uncertain", "Field threshold", "Grad-CAM",
                 "not a diagnosis", "pale yellow (strongest)"):
        assert said in text


def test_about_speaks_of_cells_and_whole_fields_in_plain_words(window, qtbot):
    """The About box read "single red-blood-cell images" and "Test auc"."""
    box = window.show_about()
    text = box.text()
    card = window.controller.classifier.card.to_dict()
    assert "whole microscope fields" in text and "single red-blood-cell images" not in text
    assert "Test auc" not in text and "ROC area (AUC)" in text
    assert f"{threshold_words(card['field_threshold'])} (cells of whole fields)" in text
    box.close()


def test_how_to_read_a_call_gives_the_uncertain_band_of_field_cells(window, qtbot):
    """The page said a field cell "between the two thresholds" is uncertain, with no figures:
    a field cell at P 0.97, above the field threshold 0.950, is uncertain too (amber, in the
    Uncertain filter), and the page could not say why."""
    low, high = window.batch.facts.rule.field_band
    window.actions.how_to_read.trigger()
    text = _page(qtbot, window, "How to read a call").text.toPlainText()
    assert (f"just above the field threshold (now {threshold_words(low)} to "
            f"{threshold_words(high)}) is uncertain") in text
