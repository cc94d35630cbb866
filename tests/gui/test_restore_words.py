"""The question put at start about work a crash left names it as the rest of the window
does."""

from __future__ import annotations

from malariascope.core.register import Register
from malariascope.gui.app import start
from tests.gui.conftest import leave_session
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, wait_for_box


def restore_question(make_window, qtbot) -> str:
    """The text of the question a new window asks about the work left; Restore answers it."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    text = box.text()
    click(box, "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    return text


def test_the_restore_question_names_the_slide_as_the_window_does(make_window, qtbot,
                                                                 left_session):
    """The question said "Its batch of sample S-9 was saved", where the case form, the
    register, the sign form and the report all say slide."""
    text = restore_question(make_window, qtbot)
    assert "Its batch of slide S-9 was saved: " in text and "sample" not in text


def test_the_restore_question_names_a_case_without_a_slide_id_as_the_window_does(
        make_window, qtbot, data_folder, tmp_path):
    """A case without a slide id was not named at all ("Its batch was saved"), where every
    other question names it by its patient and the second it was opened."""
    leave_session(data_folder, tmp_path / "left", "", patient_id="P-7")
    with Register(data_folder) as register:
        name = register.load(register.work()[0]).case.name  # as the register holds it
    assert name.startswith("(patient P-7, no slide id, opened ")
    assert f"Its batch of the case {name} was saved: " in restore_question(make_window, qtbot)
