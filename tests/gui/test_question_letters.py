"""Every button of the questions asked before signing and exporting answers to Alt and a
letter of its own, Cancel too: "Flagged cells not reviewed", "Unreviewed uncertain cells"
and "No slide id"; and so do those of "Export failed", Close too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from malariascope.gui import case_dialogs, dialogs, export_flow
from tests.gui.helpers import press_alt


def _letters(box: QMessageBox) -> list[str]:
    """The letter after the ``&`` of each button of ``box`` ("" for a button with none)."""
    letters = []
    for button in box.buttons():
        text = button.text()
        letters.append(text[text.index("&") + 1].lower() if text.count("&") == 1 else "")
    return letters


def _questions(window) -> list[QMessageBox]:
    """The three questions, open over ``window``, each doing nothing when answered."""
    def nothing() -> None:
        return None

    return [case_dialogs.ask_sign_unreviewed(window, 3, 1, nothing, nothing),
            export_flow.ask_export_unreviewed(window, 3, 1, 2, nothing, nothing),
            dialogs.ask_export_without_sample_id(window, nothing, nothing)]


def test_each_button_of_the_questions_before_signing_and_export_has_its_own_letter(window):
    """The platform's Cancel of these boxes had no letter, while the box's other buttons
    each had one."""
    for box in _questions(window):
        letters = _letters(box)
        assert "" not in letters and len(set(letters)) == len(letters), box.windowTitle()
        box.close()


def test_alt_c_cancels_the_question_about_an_empty_slide_id(window, qtbot):
    answered: list[str] = []
    box = dialogs.ask_export_without_sample_id(window, lambda: answered.append("enter"),
                                               lambda: answered.append("export"))
    press_alt(box, qtbot, Qt.Key.Key_C, missed="Export anyway")
    assert answered == []  # Cancel: neither the slide id box nor the export


def test_alt_c_and_escape_close_the_box_of_a_failed_export_without_choosing_again(
        window, qtbot):
    """The box's Close button had no letter: Alt+C did nothing, while Choose another
    location… answered to Alt+A."""
    retried: list[str] = []
    box = dialogs.export_failed(window, "disk full", lambda: retried.append("again"))
    letters = _letters(box)
    assert sorted(letters) == ["a", "c"]
    press_alt(box, qtbot, Qt.Key.Key_C, missed="Choose another location…")
    box = dialogs.export_failed(window, "disk full", lambda: retried.append("again"))
    with qtbot.waitSignal(box.finished, timeout=2_000):
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert retried == []
