"""Autosave writes what the window held when the save was asked for, in order: a case signed
while an earlier save runs reaches the register signed, whatever the window does next."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from malariascope.core.register import Register
from malariascope.gui.app import start
from tests.gui.helpers import close_window
from tests.images import make_cell_folder

WAIT_MS = 60_000


@pytest.fixture
def screened_window(make_window, qtbot, tmp_path):
    """A window with a slide of 6 cells screened, its slide id typed and all of it saved."""
    window = make_window()
    folder = tmp_path / "cells"
    make_cell_folder(folder, 6)
    start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 6 and not window.controller.screening
                    and window.autosave.work is not None, timeout=WAIT_MS)
    qtbot.keyClicks(window.case_panel.sample_id, "S-RACE")
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    return window


def _writes_done(window) -> bool:
    saver = window.autosave
    return not saver._writing and not saver._timer.isActive()


def _sign_while_a_save_runs(window) -> str:
    """Sign once a save has run but before the window hears it is done; the case's uid."""
    window.case.batch.set_review(0, window.case.batch.final_call(0))  # a change to save
    window.autosave.save_now()
    assert window.autosave._writing
    QThreadPool.globalInstance().waitForDone(WAIT_MS)  # done, the window not yet told
    assert window.case_flow.sign("Ann Lee")
    return window.case.case.uid


def _assert_signed(data_folder: Path, uid: str) -> None:
    with Register(data_folder) as register:
        signed = register.load(uid).case.signed
    assert signed is not None and signed.signature.name == "Ann Lee"


def test_a_case_signed_during_a_save_stays_signed_when_a_new_case_follows(
        screened_window, qtbot, data_folder):
    """A signature made while a save was running was left for a later save; a new case begun
    before it came made that save drop the case, deleted from the register as unsigned."""
    window = screened_window
    uid = _sign_while_a_save_runs(window)
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: _writes_done(window), timeout=WAIT_MS)
    _assert_signed(data_folder, uid)


def test_a_case_signed_during_a_save_stays_signed_when_the_window_closes(
        screened_window, qtbot, data_folder):
    window = screened_window
    uid = _sign_while_a_save_runs(window)
    close_window(window, qtbot)
    _assert_signed(data_folder, uid)
