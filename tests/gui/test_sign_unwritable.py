"""Signing while the register takes no file: the form says so first, and the status bar
stops saying the case is being saved once its save has failed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from malariascope.gui.app import start
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.helpers import MODEL_TIMEOUT_MS, screen_and_wait, wait_for_box
from tests.gui.test_autosave import WAIT_MS, unwritable_folder
from tests.images import make_cell_folder


def test_signing_where_the_register_takes_no_file_says_so_before_and_after(
        make_window, qtbot, tmp_path, monkeypatch):
    """With the data folder unmakeable ("Autosave off"), the Sign form did not say that the
    signature would not reach the register, and after "Not saved to the register" the status
    bar went on saying "saving to the register…"."""
    folder = unwritable_folder(tmp_path) / "data"
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(folder))
    window = make_window(start=False)
    with qtbot.waitSignals([window.controller.model_ready, window.autosave.off],
                           timeout=MODEL_TIMEOUT_MS):
        start(window)
    reason = window.autosave.start.reason
    assert reason.startswith("cannot ")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 3)[0].parent])
    window.batch.set_sample_id("S-RO")
    for row in range(len(window.batch)):  # nothing left to review: the form comes at once
        window.batch.confirm(row)
    window.actions.sign.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    words = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"The register cannot be written now ({reason})" in words
    dialog.name.setText("A. Tech")
    dialog.ok.click()
    wait_for_box(qtbot, window, "Not saved to the register", timeout=WAIT_MS)
    said = window.status.currentMessage()
    assert said.startswith("Not saved to the register: ") and "saving" not in said
