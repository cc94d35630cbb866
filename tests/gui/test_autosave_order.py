"""Autosave writes what the window held when the save was asked for, in order: a case signed
while an earlier save runs reaches the register signed, whatever the window does next."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from malariascope.gui.app import start
from malariascope.gui.autosave import SAVE_EVERY_MS
from tests.gui.helpers import answer_next_dialog, click, close_window, wait_for_box
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
    return not saver._writing and not saver._timer.isActive() and not saver._waiting


def _sign_while_a_save_runs(window) -> str:
    """Sign once a save has run but before the window hears it is done; the case's uid."""
    window.case.batch.set_review(0, window.case.batch.final_call(0))  # a change to save
    window.autosave.save_now()
    assert window.autosave._writing
    QThreadPool.globalInstance().waitForDone(WAIT_MS)  # done, the window not yet told
    assert window.case_flow.sign("Ann Lee")
    return window.case.case.uid


def _assert_signed(data_folder: Path, uid: str, by: str = "Ann Lee") -> None:
    with Register(data_folder) as register:
        signed = register.load(uid).case.signed
    assert signed is not None and signed.signature.name == by


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


class SlowSave:
    """Makes the next save of a case wait, as one of a large case does, until :meth:`end`."""

    def __init__(self, monkeypatch) -> None:
        self.gate, self.armed, original = threading.Event(), False, CaseWork.save

        def save(work, *args, **kwargs):
            if self.armed:
                self.armed = False
                self.gate.wait(WAIT_MS / 1000)
            return original(work, *args, **kwargs)

        monkeypatch.setattr(CaseWork, "save", save)

    def start(self, window) -> None:
        """Ask ``window`` for a save (of a change) that takes long."""
        self.armed = True
        window.case.batch.set_review(0, window.case.batch.final_call(0))
        window.autosave.save_now()
        assert window.autosave._writing

    def end(self) -> None:
        self.gate.set()


@pytest.fixture
def slow_save(monkeypatch):
    slow = SlowSave(monkeypatch)
    yield slow
    slow.end()


def test_saves_asked_for_during_a_slow_save_are_all_written_in_order(
        screened_window, qtbot, data_folder, slow_save):
    """Only the last save asked for during a long one was kept: signed, then a new case
    whose first save came before the long one ended, and the signed case was deleted."""
    window = screened_window
    slow_save.start(window)
    assert window.case_flow.sign("Ann Lee")
    uid = window.case.case.uid
    assert window.case_flow.new_case()
    qtbot.wait(SAVE_EVERY_MS + 500)  # the new case's save is asked for meanwhile
    slow_save.end()
    qtbot.waitUntil(lambda: _writes_done(window), timeout=WAIT_MS)
    _assert_signed(data_folder, uid)


def test_a_past_case_amended_during_a_slow_save_is_taken_after_it(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    """Amended during a long save, a past case was saved before it was taken up ("Autosave
    failed: cells were given from row 0"), and the case signed just before was lost."""
    window = screened_window
    failed: list[str] = []
    window.autosave.message.connect(failed.append)
    assert window.case_flow.sign("Ann Lee")  # the past case, saved at once
    past_uid = window.case.case.uid
    qtbot.waitUntil(lambda: _writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case()
    folder = tmp_path / "second"
    make_cell_folder(folder, 5)
    assert window.open_paths([folder])
    qtbot.waitUntil(lambda: len(window.batch) == 5 and not window.controller.screening,
                    timeout=WAIT_MS)
    qtbot.keyClicks(window.case_panel.sample_id, "S-TWO")
    slow_save.start(window)
    assert window.case_flow.sign("Bob Ray")
    own_uid = window.case.case.uid
    with Register(data_folder) as register:
        past = register.load(past_uid)
    assert window.past_case.show(past)
    assert window.case_flow.amend("wrong slide id", "Ann Lee")
    slow_save.end()
    qtbot.waitUntil(lambda: _writes_done(window), timeout=WAIT_MS)
    _assert_signed(data_folder, own_uid, by="Bob Ray")
    with Register(data_folder) as register:
        assert register.load(past_uid).case.amending
    assert not [line for line in failed if line.startswith("Autosave failed")]


def test_a_signed_case_the_register_could_not_take_is_not_dropped_unasked(
        make_window, qtbot, data_folder, tmp_path):
    """With autosave off and the register out of reach, a signed case's reviews were in no
    file; File > New case dropped them without a word."""
    (data_folder / FILE_NAME).mkdir()  # a folder where the register file should be
    window = make_window()
    folder = tmp_path / "cells"
    make_cell_folder(folder, 4)
    start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 4 and not window.controller.screening,
                    timeout=WAIT_MS)
    assert window.autosave.work is None
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    qtbot.keyClicks(window.case_panel.sample_id, "S-OFF")
    assert window.case_flow.sign("Ann Lee")
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.windowTitle()) or click(box, "Cancel"))
    assert not window.case_flow.new_case()
    assert asked == ["Unsaved reviews"] and len(window.batch) == 4
