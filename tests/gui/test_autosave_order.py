"""Autosave writes what the window held when the save was asked for, in order: a case signed
while an earlier save runs reaches the register signed, whatever the window does next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox

from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.work import CaseWork
from malariascope.gui.app import start
from malariascope.gui.save_pace import SAVE_EVERY_MS
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    close_window,
    quit_window,
    wait_for_box,
)
from tests.gui.saving_faults import (
    WAIT_MS,
    assert_signed,
    second_window_showing_it_signed,
    writes_done,
)
from tests.images import make_cell_folder

pytestmark = pytest.mark.usefixtures("quick_retry")


def _sign_while_a_save_runs(window) -> str:
    """Sign once a save has run but before the window hears it is done; the case's uid."""
    window.case.batch.set_review(0, window.case.batch.final_call(0))  # a change to save
    window.autosave.save_now()
    assert not window.autosave.writes.idle
    QThreadPool.globalInstance().waitForDone(WAIT_MS)  # done, the window not yet told
    assert window.case_flow.sign("Ann Lee")
    return window.case.case.uid


def test_a_case_signed_during_a_save_stays_signed_when_a_new_case_follows(
        screened_window, qtbot, data_folder):
    """A signature made while a save was running was left for a later save; a new case begun
    before it came made that save drop the case, deleted from the register as unsigned."""
    window = screened_window
    uid = _sign_while_a_save_runs(window)
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, uid)


def test_a_case_signed_during_a_save_stays_signed_when_the_window_closes(
        screened_window, qtbot, data_folder):
    window = screened_window
    uid = _sign_while_a_save_runs(window)
    close_window(window, qtbot)
    assert_signed(data_folder, uid)


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
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, uid)


def _sign_and_begin_another(window, qtbot, tmp_path) -> str:
    """Sign the window's case (saved at once: a past case of the register), then screen a
    second slide, S-TWO, of 5 cells, its slide id saved; the first case's uid."""
    assert window.case_flow.sign("Ann Lee")
    past_uid = window.case.case.uid
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case()
    folder = tmp_path / "second"
    make_cell_folder(folder, 5)
    assert window.open_paths([folder])
    qtbot.waitUntil(lambda: len(window.batch) == 5 and not window.controller.screening,
                    timeout=WAIT_MS)
    qtbot.keyClicks(window.case_panel.sample_id, "S-TWO")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    return past_uid


def test_a_past_case_amended_during_a_slow_save_is_taken_after_it(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    """Amended during a long save, a past case was saved before it was taken up ("Autosave
    failed: cells were given from row 0"), and the case signed just before was lost."""
    window = screened_window
    failed: list[str] = []
    window.autosave.message.connect(failed.append)
    past_uid = _sign_and_begin_another(window, qtbot, tmp_path)
    slow_save.start(window)
    assert window.case_flow.sign("Bob Ray")
    own_uid = window.case.case.uid
    with Register(data_folder) as register:
        past = register.load(past_uid)
    assert window.past_case.show(past, "")
    assert amend_case(window, qtbot, "wrong slide id", "Ann Lee")
    slow_save.end()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, own_uid, by="Bob Ray")
    with Register(data_folder) as register:
        assert register.load(past_uid).case.amending
    assert not [line for line in failed if line.startswith("Autosave failed")]


def test_a_signed_case_the_register_could_not_take_is_not_dropped_unasked(
        make_window, qtbot, data_folder, tmp_path):
    """With autosave off and the register out of reach, a signed case was in no file; File >
    New case dropped it without a word. The box said the register kept the case as last
    saved, which a window that does not autosave cannot know."""
    (data_folder / FILE_NAME).mkdir()  # a folder where the register file should be
    window = make_window()
    folder = tmp_path / "cells"
    make_cell_folder(folder, 4)
    start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 4 and not window.controller.screening,
                    timeout=WAIT_MS)
    assert window.autosave.work is None
    qtbot.keyClicks(window.case_panel.sample_id, "S-OFF")
    assert window.case_flow.sign("Ann Lee")
    box = wait_for_box(qtbot, window, "Not saved to the register")
    assert "The register may hold an earlier save of it, or none." in box.text()
    click(box, "OK")
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.windowTitle()) or click(box, "Cancel"))
    assert not window.case_flow.new_case()
    assert asked == ["Start a new case"] and len(window.batch) == 4
    answer_next_dialog(window, lambda box: asked.append(box.windowTitle()) or click(box, "Discard"))
    quit_window(window, qtbot)
    assert asked[-1] == "Quit"


def test_a_folder_waiting_its_turn_is_saved_as_not_yet_screened(make_window, qtbot, tmp_path,
                                                                  data_folder):
    """A folder opened while another was screened was in no autosave until its own screening
    began: after a crash the case read complete without it."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.work is not None, timeout=WAIT_MS)
    first, second = tmp_path / "first", tmp_path / "second"
    make_cell_folder(first, 300)
    make_cell_folder(second, 3)
    assert window.open_paths([first]) and window.open_paths([second])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=WAIT_MS)
    assert window.controller.waiting  # the second folder waits its turn
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()  # as the timer does, just before a crash
    with Register(data_folder) as register:
        session = CaseWork(register).load()
    assert not session.complete and str(second) in session.extent.inputs
    window.controller.cancel()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)


def test_a_save_failing_at_closing_leaves_the_amendment_after_it_saved(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    """At closing, the first of the saves still waiting failing skipped the rest: an amendment
    begun meanwhile was lost, its past case left signed without it."""
    window = screened_window
    past_uid = _sign_and_begin_another(window, qtbot, tmp_path)
    slow_save.start(window)
    assert window.case_flow.sign("Bob Ray")
    slow_save.failing = window.case.case.uid  # its save, waiting, will fail
    with Register(data_folder) as register:
        assert window.past_case.show(register.load(past_uid), "")
    assert amend_case(window, qtbot, "wrong slide id", "Ann Lee")
    assert len(window.autosave.writes) == 4  # the slow one, the failing one, the past case's
    slow_save.end()
    close_window(window, qtbot)
    with Register(data_folder) as register:
        amended = register.load(past_uid).case
    assert amended.amending and amended.amendments[-1].reason == "wrong slide id"


def test_a_signed_case_whose_save_fails_is_kept_and_saved_once_the_disk_frees(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    """The autosave of a signed case failing (a full disk) was one line in the status bar, and
    the new case begun meanwhile deleted it from the register, unsigned there; nothing tried
    the save again, so the register never held it signed."""
    window = screened_window
    slow_save.start(window)
    assert window.case_flow.sign("Ann Lee")
    uid = slow_save.failing = window.case.case.uid
    assert window.case_flow.new_case()  # its save waits: in order, so no question
    slow_save.end()
    box = wait_for_box(qtbot, window, "Not saved to the register")
    assert "tries again every" in box.text()
    click(box, "OK")
    folder = tmp_path / "second"
    make_cell_folder(folder, 3)
    assert window.open_paths([folder])  # the next case's saves wait behind the refused one
    qtbot.waitUntil(lambda: len(window.batch) == 3 and not window.controller.screening,
                    timeout=WAIT_MS)
    qtbot.wait(SAVE_EVERY_MS + 500)
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert len(register.load(uid).cells) == 6  # kept as last saved
    slow_save.failing = ""  # the disk has room again
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, uid)
    with Register(data_folder) as register:
        assert len(register.load(window.case.case.uid).cells) == 3


def test_a_signed_case_is_not_left_unasked_while_its_autosave_fails(
        screened_window, qtbot, data_folder, slow_save):
    window = screened_window
    uid = slow_save.failing = window.case.case.uid
    assert window.case_flow.sign("Ann Lee")
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert not window.case_flow.new_case()
    assert "Signed case S-RACE is not saved" in asked[0] and len(window.batch) == 6
    window.case.batch.events.changed.emit()  # the next autosave fails too: not told again
    qtbot.wait(SAVE_EVERY_MS + 500)
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    asked.clear()
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Discard"))
    quit_window(window, qtbot)  # Quit asks too; closing keeps what could not be saved
    assert "Quit? Signed case S-RACE is not saved" in asked[0]
    with Register(data_folder) as register:
        assert len(register.load(uid).cells) == 6


def test_a_signed_case_whose_save_fails_is_kept_at_a_quit_at_once(
        screened_window, qtbot, data_folder, slow_save):
    window = screened_window
    uid = slow_save.failing = window.case.case.uid
    assert window.case_flow.sign("Ann Lee")
    close_window(window, qtbot)  # before the window hears the save failed
    with Register(data_folder) as register:
        assert len(register.load(uid).cells) == 6


def test_a_signed_case_whose_save_fails_is_kept_when_a_past_case_is_amended(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    window = screened_window
    past_uid = _sign_and_begin_another(window, qtbot, tmp_path)
    slow_save.start(window)
    assert window.case_flow.sign("Bob Ray")
    own_uid = slow_save.failing = window.case.case.uid
    with Register(data_folder) as register:
        assert window.past_case.show(register.load(past_uid), "")
    assert amend_case(window, qtbot, "wrong slide id", "Ann Lee")
    slow_save.end()
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")
    with Register(data_folder) as register:
        assert len(register.load(own_uid).cells) == 5
        assert not register.load(past_uid).case.amending  # waits behind the refused save
    slow_save.failing = ""
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, own_uid, by="Bob Ray")
    with Register(data_folder) as register:
        assert register.load(past_uid).case.amending


def test_a_signed_past_case_on_show_leaves_unasked_with_autosave_off(
        screened_window, make_window, qtbot, data_folder):
    """A second window (autosave off: the first keeps its work) asked about a signed past
    case it showed from the register as if its save had failed; Quit hung on it."""
    second = second_window_showing_it_signed(screened_window, make_window, qtbot, data_folder)
    asked: list[str] = []
    answer_next_dialog(second, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert second.case_flow.leaving.may_quit() and not asked
