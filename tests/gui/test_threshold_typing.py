"""A threshold typed into its box: applied as typed, or refused with a word, never taken for
another value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.words import threshold_words
from tests.gui.helpers import screen_and_wait

RANGE_WORDS = "Threshold must be between 0.01 and 0.99"


@pytest.fixture
def spin(window, qtbot, cell_folder):
    """The threshold box of the window, a slide screened, the keys in the box."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    box = window.controls.threshold.spin
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    return box


def _type(qtbot, spin, text: str) -> None:
    spin.selectAll()
    qtbot.keyClicks(spin, text)


@pytest.mark.parametrize("typed", ["1.7", "15", "0.25555", "abc"])
def test_a_threshold_out_of_range_typed_is_refused_not_taken_for_another(window, qtbot, spin,
                                                                          typed):
    """Typed "1.7", the box showed ".7" and Enter applied 0.700, re-labelling the batch;
    "15" was dropped without a word."""
    batch = window.batch
    before, parasitized = batch.facts.rule.threshold, batch.counts.parasitized
    _type(qtbot, spin, typed)
    assert spin.text() == typed  # as typed, until Enter
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert batch.facts.rule.threshold == before and batch.counts.parasitized == parasitized
    assert spin.text() == threshold_words(before)
    assert window.controls.threshold.slider.value() == round(before * 1000)
    message = window.status.currentMessage()
    assert message.startswith(RANGE_WORDS) and f'"{typed}" not applied' in message
    assert QApplication.focusWidget() is spin  # to type it again
    qtbot.keyClick(spin, Qt.Key.Key_Up)  # the arrows step it still
    assert batch.facts.rule.threshold == pytest.approx(before + 0.01)


def test_a_threshold_refused_on_leaving_the_box_leaves_the_threshold(window, qtbot, spin):
    before = window.batch.facts.rule.threshold
    _type(qtbot, spin, "1.7")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not spin
    assert window.batch.facts.rule.threshold == before and spin.text() == threshold_words(before)
    assert window.status.currentMessage().startswith(RANGE_WORDS)


@pytest.mark.parametrize("typed", ["0,25", "0.25", ".25"])
def test_a_threshold_with_a_decimal_comma_or_point_applies_on_enter(window, qtbot, spin, typed):
    """"0,25" was dropped without a word: the comma is a decimal mark there, as it can be
    nothing else below 1."""
    _type(qtbot, spin, typed)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.batch.facts.rule.threshold == pytest.approx(0.25)
    assert spin.text() == "0.2500" and QApplication.focusWidget() is window.table


def test_a_threshold_typed_applies_on_leaving_the_box(window, qtbot, spin):
    _type(qtbot, spin, "0,3")
    assert window.batch.facts.rule.threshold != pytest.approx(0.3)  # not at each key
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert window.batch.facts.rule.threshold == pytest.approx(0.3)


def test_a_threshold_box_in_a_decimal_comma_locale_shows_a_point_as_the_reports(window, qtbot,
                                                                               spin):
    """In German the box showed "0,2500" beside "Field threshold 0.9503" and the reports'
    0.2500; it takes a comma still."""
    spin.setLocale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    _type(qtbot, spin, "0,25")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.batch.facts.rule.threshold == pytest.approx(0.25) and spin.text() == "0.2500"


def _refuse(qtbot, window, spin) -> str:
    """Type 1.7 and Enter; the refusal on show in the status bar."""
    _type(qtbot, spin, "1.7")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    refusal = window.status.currentMessage()
    assert refusal.startswith(RANGE_WORDS)
    return refusal


@pytest.mark.parametrize("then", ["0.3 typed", "the same typed", "0.3 typed, Tab",
                                  "Up arrow", "slider", "Model default"])
def test_a_refusal_goes_once_a_threshold_is_applied(window, qtbot, spin, then):
    """A refused threshold's message stayed in the status bar for 15 s after a good value
    was typed and applied, saying the threshold had stayed where it no longer was."""
    controls, before = window.controls, window.batch.facts.rule.threshold
    if then == "Model default":  # moved first, so that Model default moves it back
        _type(qtbot, spin, "0.3")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        spin.setFocus()
    _refuse(qtbot, window, spin)
    if then == "Model default":
        qtbot.mouseClick(controls.reset, Qt.MouseButton.LeftButton)
    elif then == "slider":
        controls.threshold.slider.setValue(300)
    elif then == "Up arrow":
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    else:
        _type(qtbot, spin, threshold_words(before) if then == "the same typed" else "0.3")
        qtbot.keyClick(spin, Qt.Key.Key_Tab if then.endswith("Tab") else Qt.Key.Key_Return)
    assert window.status.currentMessage() == ""
    assert window.batch.facts.rule.threshold == pytest.approx(
        {"the same typed": before, "Model default": before,
         "Up arrow": before + 0.01}.get(then, 0.3))


def test_a_refusal_goes_no_message_that_came_after_it(window, qtbot, spin):
    _refuse(qtbot, window, spin)
    window.status.note("Export written")
    _type(qtbot, spin, "0.3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.status.currentMessage() == "Export written"


def test_a_refusal_stays_while_nothing_is_applied(window, qtbot, spin):
    """Leaving the box as the refusal put it back, the threshold typed nowhere, applies
    nothing: the refusal is still to be read."""
    refusal = _refuse(qtbot, window, spin)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert window.status.currentMessage() == refusal
