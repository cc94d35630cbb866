"""The window's case that left for a case of the register asked to open while its work is
saved (``gui.waiting_open``) is put back when that open is given up: after another case is
asked for meanwhile too, and when the register refuses the case once the saves are done
(another window amends it, on the host its lock names); but not over facts typed into the
window, empty, meanwhile, and the status bar says where it is then."""

from __future__ import annotations

import socket

import pytest

from malariascope.core.register import Register
from malariascope.gui import dialogs
from malariascope.gui.amending_lock import amended_on
from tests.gui.helpers import amend_case, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_held_case import signed_in_a_second_window
from tests.gui.test_keep_for_later import questions, stored  # noqa: F401
from tests.gui.test_open_given_up import (
    ask_while_a_save_waits,
    is_back,
    screen_next_while_it_saves,
)
from tests.images import make_cell_folder


def given_up(window, qtbot, slow_save, message: str) -> str:
    """Let the save held back go, once the status bar says ``message`` starts; what it says."""
    slow_save.end()
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith(message),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    return window.status.currentMessage()


def test_a_case_asked_for_while_another_waits_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions):  # noqa: F811
    """S-NEXT left the window for S-OTHER; S-RACE, asked for while S-OTHER still waited,
    found the window empty and took its place with no case to put back: once S-RACE was
    found discarded by another window, S-NEXT was forgotten and the window stayed empty."""
    window = screened_window
    race = window.batch.case.uid
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "other", 2)[0].parent])
    window.case.update(sample_id="S-OTHER")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    other, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                        questions, dialogs.KEEP)
    assert other.case.facts.sample_id == "S-OTHER"
    window.past_case.read(window.autosave.register, race,
                          lambda read: window.past_case.show(*read), pytest.fail)
    qtbot.waitUntil(lambda: window.past_case.waiting.uid == race, timeout=WAIT_MS)
    with Register(data_folder) as register:  # another window discards it
        register.discard(race)

    said = given_up(window, qtbot, slow_save, "Case S-RACE not opened")
    is_back(window, uid)
    assert said.startswith(f"Case S-RACE not opened: no case {race[:8]} in ")
    assert said.endswith("; case S-NEXT is back in the window")
    assert stored(data_folder) == {"S-OTHER": ("open", 2, 0), "S-NEXT": ("open", 3, 1)}


@pytest.mark.parametrize(("leaving", "where", "kept"), [
    (dialogs.KEEP, "it stays in the case register, kept for later", {"S-NEXT": ("open", 3, 1)}),
    (dialogs.DISCARD, "it was discarded as it left", {})], ids=["kept", "discarded"])
def test_facts_typed_while_a_case_waits_are_not_lost_to_the_case_put_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions,  # noqa: F811
        leaving, where, kept):
    """The technician began a new case in the window, empty while S-RACE waited to open,
    typing its slide and patient ids: S-RACE not opened, S-NEXT came back over them, and
    they were gone. Now they stay, and the status bar says where S-NEXT is."""
    window = screened_window
    race, _ = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                     questions, leaving)
    panel = window.case_panel
    qtbot.keyClicks(panel.sample_id, "S-NEW")
    qtbot.keyClicks(panel.lines["patient_id"], "P-77")
    with Register(data_folder) as register:  # another window discards it
        register.discard(race.case.uid)

    said = given_up(window, qtbot, slow_save, "Case S-RACE not opened")
    assert said.startswith(f"Case S-RACE not opened: no case {race.case.uid[:8]} in ")
    assert said.endswith(f"; case S-NEXT is not put back over the window's new work: {where}")
    batch = window.batch
    assert len(batch) == 0 and window.controls.isEnabled() and not window.past_case.waiting.uid
    assert (batch.facts.sample_id, batch.case.facts.patient_id) == ("S-NEW", "P-77")
    assert (panel.sample_id.text(), panel.lines["patient_id"].text()) == ("S-NEW", "P-77")
    assert stored(data_folder) == kept


def test_a_case_the_register_refuses_once_the_saves_are_done_gives_the_windows_case_back(
        screened_window, make_window, qtbot, slow_save, data_folder, tmp_path,
        questions):  # noqa: F811
    """S-TWO, an amendment a second window left open and still amends, was asked for while
    S-NEXT's first save ran: read again once it was done, the register's answer refused it,
    and S-NEXT, which had left for it, came back as it left."""
    window = screened_window
    second = signed_in_a_second_window(make_window, qtbot, tmp_path)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    amending = second.batch.case.uid
    assert window.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    uid = screen_next_while_it_saves(window, qtbot, slow_save, tmp_path)
    with Register(data_folder) as register:
        asked = register.load(amending)
    assert asked.case.amending
    questions.answers = [dialogs.KEEP]
    assert window.past_case.show(asked, "")
    assert window.past_case.waiting.uid == amending and len(window.batch) == 0

    said = given_up(window, qtbot, slow_save, "Case S-TWO not opened")
    assert said == (f"Case S-TWO not opened: {amended_on(socket.gethostname())}; case S-NEXT "
                    "is back in the window")
    is_back(window, uid)
    assert window.autosave.took(uid)
    assert stored(data_folder)["S-NEXT"] == ("open", 3, 1)
