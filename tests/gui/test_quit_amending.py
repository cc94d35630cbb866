"""Quit during an amendment asks first, as it does for an unsigned case: its signed result is
withdrawn until the amendment is signed. Keep amending later leaves it in the register,
offered back at the next start (the question says so, and that quitting stops a screening
running); Withdraw the amendment and quit (offered only while it changed nothing) signs the
case again as it was; Cancel, the default, keeps the window."""

from __future__ import annotations

import re

import pytest

from malariascope.core.register import Register
from tests.gui.helpers import answer_next_dialog, click, quit_window
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_quit_during_screening import gated_folder
from tests.gui.test_withdraw_amendment import signed_and_amended

WITHDRAW = "Withdraw the amendment and quit"
KEEP = "Keep amending later"


def _stored(data_folder, uid):
    """The register's summary of case ``uid``: its status and amendments."""
    with Register(data_folder) as register:
        summary = next(case for case in register.cases() if case.uid == uid)
        return summary.status, summary.amendments, register.load(uid).case.signed


def _answer(window, text: str) -> list:
    """Answer Quit's next question with the button ``text``; the boxes it showed, each as
    its words, its buttons in order of name, and the buttons Enter and Escape press."""
    asked: list = []

    def answer(box) -> None:
        buttons = sorted(button.text() for button in box.buttons())
        asked.append((box.text(), buttons, box.defaultButton().text(),
                      box.escapeButton().text()))
        click(box, text)

    answer_next_dialog(window, answer)
    return asked


def test_quitting_an_unchanged_amendment_asks_and_cancel_keeps_the_window(
        screened_window, qtbot, data_folder):
    window = screened_window
    uid = window.case.case.uid
    signed_and_amended(window, qtbot)
    assert window.isWindowModified()  # Quit would ask
    asked = _answer(window, "Cancel")
    window.close()
    assert window.isVisible() and window.case.case.amending
    words, buttons, enter, escape = asked[0]
    assert words.startswith("Quit? Case S-RACE is being amended: its signed result is "
                            "withdrawn until the amendment is signed.")
    assert buttons == ["&Cancel", f"&{KEEP}", f"&{WITHDRAW}"]
    assert enter == escape == "&Cancel"
    assert _stored(data_folder, uid)[:2] == ("open", 1)


@pytest.mark.parametrize("answer", [WITHDRAW, KEEP])
def test_each_answer_to_quit_during_an_amendment_does_what_it_says(
        screened_window, qtbot, data_folder, answer):
    """Withdraw: the register holds the case signed as it was, no amendment of it; Keep: the
    case open, amended, no signed result, offered back at the next start."""
    window = screened_window
    uid = window.case.case.uid
    signed = signed_and_amended(window, qtbot)
    asked = _answer(window, answer)
    quit_window(window, qtbot)
    assert len(asked) == 1  # nothing more to ask: the signed case was saved first
    expected = ("signed", 0, signed) if answer == WITHDRAW else ("open", 1, None)
    assert _stored(data_folder, uid) == expected


def test_an_amendment_that_changed_the_case_is_not_offered_withdrawn_at_quit(
        screened_window, qtbot, data_folder):
    window = screened_window
    uid = window.case.case.uid
    signed_and_amended(window, qtbot)
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    asked = _answer(window, KEEP)
    quit_window(window, qtbot)
    words, buttons, enter, escape = asked[0]
    assert buttons == ["&Cancel", f"&{KEEP}"] and enter == escape == "&Cancel"
    assert "cannot be withdrawn" in words
    assert _stored(data_folder, uid) == ("open", 1, None)
    with Register(data_folder) as register:
        assert register.load(uid).reviews  # the review made during the amendment is kept


def test_quit_during_the_screening_of_an_amendment_says_that_it_stops_the_screening(
        screened_window, qtbot, data_folder, monkeypatch, cell_test_dir, tmp_path):
    """The question said nothing of the screening running, which quitting stops, nor of the
    cells it keeps; and it said that the amendment changed the case, so it could not be
    withdrawn, when it was the screening that stopped it being withdrawn."""
    window = screened_window
    signed_and_amended(window, qtbot)
    gate = gated_folder(monkeypatch, cell_test_dir, tmp_path / "held", 140)
    try:
        assert window.open_paths([tmp_path / "held"])
        qtbot.waitUntil(lambda: gate.reached.is_set() and len(window.batch) > 6,
                        timeout=WAIT_MS)
        asked = _answer(window, "Cancel")
        window.close()
        assert window.isVisible() and window.controller.screening
    finally:
        gate.open()
    words, buttons, _, _ = asked[0]
    said = re.search(r"with the (\d+) cells screened so far", words)
    assert said and 6 < int(said[1]) < 146 and buttons == ["&Cancel", f"&{KEEP}"]
    cells = int(said[1])
    assert (f"It is still being screened: quitting stops it. The case stays in the case "
            f"register, open, with the {cells} cells screened so far, marked partial. Keep "
            "amending later leaves it there, offered back at the next start") in words
    assert "changed the case" not in words
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
