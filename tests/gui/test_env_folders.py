"""The window started with `MALARIASCOPE_MODELS` or `MALARIASCOPE_DATA_DIR` set to a path no
system call takes: it opens, and says which variable is wrong, in one message each."""

from __future__ import annotations

from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, wait_for_box

TOO_LONG = "/tmp/" + "a/" * 2_100  # over Linux's 4,096 bytes of a path


def test_a_models_variable_too_long_for_a_path_is_told_as_the_model_not_loaded(
        make_window, qtbot, monkeypatch):
    """The window's start raised OSError: File name too long, from the case panel's look
    for the bundled threshold, and the model's load told the same error by its path."""
    monkeypatch.setenv("MALARIASCOPE_MODELS", TOO_LONG)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_failed, timeout=MODEL_TIMEOUT_MS) as failed:
        start(window)
    assert failed.args[0].startswith("The model could not be loaded: MALARIASCOPE_MODELS is "
                                     "too long a path for this system")
    box = wait_for_box(qtbot, window, "Model not loaded")
    assert "MALARIASCOPE_MODELS" in box.text() and "Traceback" not in box.text()
    assert TOO_LONG not in box.text()
    box.close()
    assert window.isVisible() and window.status.model_label.text() == "No model"


def test_a_data_folder_variable_too_long_for_a_path_turns_autosave_off_by_its_name(
        make_window, qtbot, monkeypatch):
    """Autosave was off "cannot create /tmp/a/a/...", all 4,200 characters of it."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", TOO_LONG)
    window = make_window(start=False)
    with qtbot.waitSignal(window.autosave.off, timeout=MODEL_TIMEOUT_MS) as off:
        start(window)
    assert off.args[0].startswith("MALARIASCOPE_DATA_DIR is too long a path for this system")
    assert window.autosave.work is None and TOO_LONG not in off.args[0]
    assert "MALARIASCOPE_DATA_DIR" in window.status.autosave_label.toolTip()


def test_the_case_register_opened_with_autosave_off_names_a_data_folder_variable_too_long(
        make_window, qtbot, monkeypatch):
    """File > Case register… with autosave off for that variable said "[Errno 36] File
    name too long: '/tmp/a/a/...'", all 4,200 characters of it, and not the variable."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", TOO_LONG)
    window = make_window(start=False)
    with qtbot.waitSignal(window.autosave.off, timeout=MODEL_TIMEOUT_MS):
        start(window)
    window.actions.cases.trigger()
    box = wait_for_box(qtbot, window, "Case register not available")
    assert box.text().startswith("MALARIASCOPE_DATA_DIR is too long a path for this system")
    assert TOO_LONG not in box.text() and "Traceback" not in box.text()
    box.close()
