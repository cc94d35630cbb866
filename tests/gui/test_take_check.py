"""The register's check before the window takes a past case (an open case to finish, or a
signed one to amend) runs in a worker: the window never waits for a busy register. The
register dialog stays open until the answer, and says a refusal where it said it was
opening the case."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from malariascope.core.register import Register, StoredCase
from malariascope.gui import case_dialogs, dialogs
from malariascope.gui.register_dialog import RegisterDialog
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import review, stored
from tests.gui.test_open_waits_for_saves import keep_while_a_save_waits
from tests.gui.test_register_dialog import open_register, select
from tests.gui.test_take_refused import (
    CHANGED,
    add_review_elsewhere,
    amend_and_sign_elsewhere,
    kept_and_next_case,
    notes,
)

SAFETY_S = 10  # a held check goes on by then whatever happens, so no test hangs


@pytest.fixture
def checked_in(monkeypatch) -> list[threading.Thread]:
    """The threads in which ``Register.check_take`` runs from now on, each call the real
    check."""
    threads: list[threading.Thread] = []
    check_take = Register.check_take

    def recorded(register, *args, **kwargs) -> None:
        threads.append(threading.current_thread())
        check_take(register, *args, **kwargs)

    monkeypatch.setattr(Register, "check_take", recorded)
    return threads


def off_the_ui_thread(threads: list[threading.Thread]) -> bool:
    return bool(threads) and threading.main_thread() not in threads


def ask_to_open(window, qtbot, sample_id: str) -> RegisterDialog:
    """Open case ``sample_id`` from File > Case register… and wait for the answer."""
    dialog = open_register(window, qtbot)
    select(dialog, sample_id)
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        dialog.open_selected()
    return dialog


def test_an_open_case_opened_from_the_register_is_checked_off_the_ui_thread(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch, checked_in):
    """The check before taking an open case ran on the UI thread, reading the register: a
    register another window wrote to, or on a network share, froze the window meanwhile."""
    window = screened_window
    kept_and_next_case(window, qtbot, data_folder, tmp_path, monkeypatch)
    checked_in.clear()
    dialog = ask_to_open(window, qtbot, "S-RACE")
    assert off_the_ui_thread(checked_in)
    assert not dialog.isVisible() and window.past_case.refusal == ""
    assert window.batch.facts.sample_id == "S-RACE" and window.batch.reviewed(0)
    assert window.past_case.shown is None and window.controls.isEnabled()  # to finish here
    review(window, 2)
    qtbot.waitUntil(lambda: stored(data_folder)["S-RACE"][2] == 2, timeout=WAIT_MS)


def test_a_refused_take_keeps_the_register_open_saying_why(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch, checked_in):
    """A take refused by the register was told in the status bar only, the register's note
    saying "Case S-RACE not opened" without a reason; the check, made in a worker after the
    case was read, let the register close before its answer, told to nobody looking."""
    window = screened_window
    kept_and_next_case(window, qtbot, data_folder, tmp_path, monkeypatch)
    register = window.autosave.register
    load = register.load

    def changed_after_the_read(uid: str):
        read = load(uid)
        add_review_elsewhere(data_folder, "S-RACE")  # another window saves to it meanwhile
        return read

    monkeypatch.setattr(register, "load", changed_after_the_read)
    said = notes(window, monkeypatch)
    checked_in.clear()
    dialog = ask_to_open(window, qtbot, "S-RACE")
    refused = f"Case S-RACE not opened: {CHANGED}"
    assert off_the_ui_thread(checked_in)
    assert dialog.isVisible() and dialog.note.text() == refused
    assert [line for line in said if "S-RACE" in line] == [refused]
    assert window.batch.facts.sample_id == "S-NEXT" and window.past_case.shown is None
    monkeypatch.setattr(register, "load", load)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 2), "S-NEXT": ("open", 3, 0)}

    dialog = ask_to_open(window, qtbot, "S-RACE")  # read again: taken
    assert not dialog.isVisible() and window.batch.facts.sample_id == "S-RACE"
    assert window.past_case.shown is None and window.batch.reviewed(1)


def test_a_case_opening_once_the_windows_work_is_saved_is_checked_off_the_ui_thread(
        screened_window, qtbot, slow_save, data_folder, checked_in):
    """A case asked for while the window's work was saved was read again in a worker once
    it was, and then checked on the UI thread."""
    window = screened_window
    before = keep_while_a_save_waits(window, slow_save, data_folder)
    assert window.past_case.show(before, "")  # it waits for the save
    checked_in.clear()
    slow_save.end()
    qtbot.waitUntil(lambda: len(window.batch) == 6, timeout=WAIT_MS)
    assert off_the_ui_thread(checked_in)
    assert window.batch.case.uid == before.case.uid and window.past_case.shown is None


def test_amend_is_off_while_the_register_checks_the_case(
        screened_window, qtbot, data_folder, monkeypatch):
    """While Amend's check ran in its worker nothing said so, and Amend stayed on: a second
    click asked the register again, and its answer amended the case once more."""
    window = screened_window
    review(window, 0)
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case(ask=False)
    monkeypatch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.KEEP)
    dialog = ask_to_open(window, qtbot, "S-RACE")
    assert not dialog.isVisible() and window.past_case.shown is not None  # signed: read-only
    amend = window.actions.amend
    assert amend.isEnabled()
    amend_and_sign_elsewhere(data_folder, "S-RACE", window.batch.counts)  # to be refused
    reached, gate = threading.Event(), threading.Event()
    check_take = Register.check_take
    asked: list[threading.Thread] = []

    def held(register, *args, **kwargs) -> None:
        asked.append(threading.current_thread())
        reached.set()
        gate.wait(SAFETY_S)
        check_take(register, *args, **kwargs)

    monkeypatch.setattr(Register, "check_take", held)
    try:
        with qtbot.waitSignal(window.case_flow.message, timeout=WAIT_MS,
                              check_params_cb=lambda line: "not amended" in line) as said:
            assert window.case_flow.amending.amend("patient id mistyped", "Ann")
            qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
            assert not amend.isEnabled()
            assert window.status.currentMessage() == "Checking the case in the case register…"
            window.case_flow.amending.amend("patient id mistyped", "Ann")  # asked again meanwhile
            gate.set()
    finally:
        gate.set()
    assert said.args == [f"Case S-RACE not amended: {CHANGED}"]
    assert len(asked) == 1 and off_the_ui_thread(asked)
    assert amend.isEnabled() and window.past_case.shown is not None
    assert not window.batch.case.amending


def open_with_a_save_between(window, qtbot, save: Callable[[], object]) -> list[StoredCase]:
    """Open case S-RACE from the register, holding its first read until ``save`` has had
    the window save meanwhile, and wait for the dialog to close; the copies read."""
    register = window.autosave.register
    load, reads = register.load, []
    read_done, gate = threading.Event(), threading.Event()

    def held_after_the_first_read(uid: str):
        reads.append(load(uid))
        if len(reads) == 1:
            read_done.set()
            gate.wait(SAFETY_S)
        return reads[-1]

    register.load = held_after_the_first_read
    try:
        dialog = open_register(window, qtbot)
        select(dialog, "S-RACE")
        dialog.open_selected()
        qtbot.waitUntil(read_done.is_set, timeout=WAIT_MS)
        save()
        gate.set()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    finally:
        gate.set()
        del register.load
    return reads


def test_a_case_the_windows_save_changed_while_it_was_read_is_read_again(
        screened_window, qtbot, slow_save, data_folder):
    """Read while the window's keep of it was being saved, and answered once the save was
    done: the copy read lacked the keep's review, so the case was refused as changed since
    it was read ("open it again"). The answer holds only while no write of the window's
    came between: the case is read again and opens with its review."""
    window = screened_window
    keep_while_a_save_waits(window, slow_save, data_folder)  # S-RACE's keep, held

    def keep_saved() -> None:
        slow_save.end()
        qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)

    reads = open_with_a_save_between(window, qtbot, keep_saved)
    assert not reads[0].reviews and reads[-1].reviews  # the first copy lacked the review
    assert window.past_case.refusal == "" and window.batch.facts.sample_id == "S-RACE"
    assert window.past_case.shown is None and window.batch.reviewed(0)


def test_the_windows_case_kept_for_later_while_it_was_read_is_read_again(
        screened_window, qtbot, monkeypatch):
    """The saves of another case leave an answer as it is; those of the case asked for do
    not: asked for from the window working on it, then reviewed and kept for later while it
    was read, it is read again and opens with that review."""
    window = screened_window
    monkeypatch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.KEEP)

    def reviewed_and_kept() -> None:
        review(window, 0)
        assert window.case_flow.new_case()
        qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)

    reads = open_with_a_save_between(window, qtbot, reviewed_and_kept)
    assert len(reads) == 2 and not reads[0].reviews and reads[1].reviews
    assert window.past_case.refusal == "" and window.batch.facts.sample_id == "S-RACE"
    assert window.past_case.shown is None and window.batch.reviewed(0)


def test_a_signed_case_read_while_the_window_saves_its_own_work_opens_from_that_read(
        screened_window, qtbot, data_folder):
    """A case to be shown read-only was read again whenever a save of the window's own
    work came between its read and the answer, though no such save changes it: while the
    window screened (a save a second), a case slower to read than that (a big one, a
    register on a network share) was read again and again, "Opening the case…" until the
    screening ended."""
    window = screened_window
    review(window, 0)
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case(ask=False)

    def own_work_saved() -> None:
        with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
            assert window.autosave.save_now()

    assert len(open_with_a_save_between(window, qtbot, own_work_saved)) == 1
    assert window.past_case.shown is not None and window.batch.facts.sample_id == "S-RACE"
