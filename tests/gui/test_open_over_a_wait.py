"""A case of the register asked for while another waits to open (``gui.waiting_open``), the
window empty as its case S-NEXT left for that one: when the case asked for is refused at once
or cannot be read, S-NEXT is back in the window, as when an open is given up."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest

from malariascope.core.errors import CaseGoneError
from malariascope.core.register import Register
from malariascope.gui import dialogs
from malariascope.gui.amending_lock import amended_on
from tests.gui.helpers import amend_case
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_held_case import signed_in_a_second_window
from tests.gui.test_keep_for_later import questions, review, stored  # noqa: F401
from tests.gui.test_open_given_up import ask_while_a_save_waits, is_back


def goes_on(window, qtbot, data_folder, uid: str) -> None:
    """S-NEXT, back, is worked on and saved to the case kept for later as it left."""
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    review(window, 1)
    assert window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder)["S-NEXT"] == ("open", 3, 2)
    assert window.autosave.took(uid)


def test_a_case_gone_as_it_is_read_while_another_waits_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions):  # noqa: F811
    """S-NEXT left the window for S-RACE, which waited for S-NEXT's save; the technician then
    asked for a case another window had discarded: its read failed, and the window stayed
    empty, S-NEXT kept aside for an open that no longer waited."""
    window = screened_window
    _, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                    questions, dialogs.KEEP)
    missing = uuid.uuid4().hex  # no case has it, as one discarded since it was listed
    failed: list[Exception] = []
    window.past_case.read(window.autosave.register, missing, pytest.fail, failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=WAIT_MS)

    assert isinstance(failed[0], CaseGoneError)
    is_back(window, uid)
    said = window.status.currentMessage()
    assert said.startswith(f"The case asked for was not opened: no case {missing[:8]} in ")
    assert said.endswith("; case S-NEXT is back in the window")
    slow_save.end()
    goes_on(window, qtbot, data_folder, uid)


def test_a_case_refused_at_once_while_another_waits_gives_the_windows_case_back(
        screened_window, make_window, qtbot, slow_save, data_folder, tmp_path, monkeypatch,
        questions):  # noqa: F811
    """S-NEXT left the window for S-RACE, which waited for S-NEXT's save; the technician then
    asked for S-TWO, which a second window amends, read once the save was done: refused at
    once, it did not wait, and nothing put S-NEXT back."""
    window = screened_window
    second = signed_in_a_second_window(make_window, qtbot, tmp_path)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    amending = second.batch.case.uid
    _, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                    questions, dialogs.KEEP)
    gate, load = threading.Event(), Register.load

    def held_load(register, case_uid, *args, **kwargs):
        if case_uid == amending:  # S-TWO is read once the window's saves are done
            assert gate.wait(WAIT_MS / 1000)
        return load(register, case_uid, *args, **kwargs)

    monkeypatch.setattr(Register, "load", held_load)
    shown: list[bool] = []
    window.past_case.read(window.autosave.register, amending,
                          lambda read: shown.append(window.past_case.show(*read)), pytest.fail)
    slow_save.end()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert len(window.batch) == 0  # S-RACE does not open: S-TWO was asked for since
    gate.set()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)

    assert shown == [False]
    is_back(window, uid)
    assert window.status.currentMessage() == (
        f"Case S-TWO not opened: {amended_on(socket.gethostname())}; case S-NEXT is back in "
        "the window")
    goes_on(window, qtbot, data_folder, uid)
