"""A slide id of no spaces, as long as the case form takes, wraps in the questions that name
it (the Restore and New case questions): it ran off their right edge, unread."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from malariascope.core.casefacts import LINE_MAX
from malariascope.gui.app import start
from malariascope.gui.dialogs import ZERO_WIDTH_SPACE
from tests.gui.conftest import leave_session
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)

SLIDE_ID = "Ω" * LINE_MAX  # a wide letter: the id is wider than any box


def fits(label: QLabel) -> bool:
    """True when ``label`` has the room its words need at their narrowest, wrapped: none
    runs off its edge."""
    QApplication.processEvents()
    return 0 < label.minimumSizeHint().width() <= label.width()


def read(text: str) -> str:
    return text.replace(ZERO_WIDTH_SPACE, "")


def test_the_restore_question_wraps_a_long_slide_id(make_window, qtbot, data_folder,
                                                    tmp_path):
    """The question ran the id off the box's right edge, and the words after it with it."""
    leave_session(data_folder, tmp_path / "left", SLIDE_ID)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert f"Its batch of slide {SLIDE_ID} was saved: " in read(box.text())
    assert fits(box.findChild(QLabel, "qt_msgbox_label"))
    click(box, "Discard")


def test_the_new_case_question_wraps_a_long_slide_id(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.batch.set_sample_id(SLIDE_ID)
    asked = []

    def look(box: QMessageBox) -> None:
        asked.append((read(box.text()), fits(box.findChild(QLabel, "qt_msgbox_label"))))
        click(box, "Cancel")

    answer_next_dialog(window, look)
    window.actions.new_case.trigger()
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [(asked[0][0], True)] and f"The open case {SLIDE_ID} is" in asked[0][0]
