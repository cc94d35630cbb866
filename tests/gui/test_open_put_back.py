"""The window's case that left for a case of the register asked to open while its work is
saved (``gui.waiting_open``) is put back when that open is given up, after another case is
asked for meanwhile too."""

from __future__ import annotations

import pytest

from malariascope.core.register import Register
from malariascope.gui import dialogs
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import questions, stored  # noqa: F401
from tests.gui.test_open_given_up import ask_while_a_save_waits, is_back
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
