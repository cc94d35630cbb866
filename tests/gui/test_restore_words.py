"""The question put at start about work a crash left names it as the rest of the window
does."""

from __future__ import annotations

from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, wait_for_box


def test_the_restore_question_names_the_slide_as_the_window_does(make_window, qtbot,
                                                                 left_session):
    """The question said "Its batch of sample S-9 was saved", where the case form, the
    register, the sign form and the report all say slide."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    text = box.text()
    click(box, "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    assert "Its batch of slide S-9 was saved: " in text and "sample" not in text
