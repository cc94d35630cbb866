"""An open case kept in the register for later and finished from it: New case, opening a past
case and Quit offer to keep it while autosave keeps the window's work; the register's view
gives it back to the window that autosaves, and only to that one."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from malariascope.core.clock import local_time
from malariascope.core.register import Register
from malariascope.core.tally import PARASITIZED
from malariascope.gui import case_dialogs, dialogs
from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, answer_next_dialog, close_window, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, assert_signed, writes_done
from tests.gui.test_register_dialog import open_past, open_register
from tests.images import make_cell_folder

KEEP_BUTTONS = ("Cancel", ["Cancel", "Discard", "Export…", "Keep for later"])  # the default first


def answer(window, text: str) -> list[tuple[str, tuple[str, list[str]]]]:
    """Answer the next question of ``window`` with its button ``text`` (Cancel when it has
    none); returns the questions asked, as their text, default button and buttons."""
    asked: list[tuple[str, tuple[str, list[str]]]] = []

    def reply(box: QMessageBox) -> None:
        buttons = {button.text().replace("&", ""): button for button in box.buttons()}
        default = box.defaultButton().text().replace("&", "")
        asked.append((box.text(), (default, sorted(buttons))))
        (buttons.get(text) or buttons["Cancel"]).click()

    answer_next_dialog(window, reply)
    return asked


class Questions:
    """Stands for the question about leaving an unsigned case: keeps each asked, as its text
    and its keep button ("": none), and answers from :attr:`answers` in turn (Cancel once
    none is left), without a box."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.discard: list[bool] = []  # whether each question offered Discard
        self.answers: list[str] = []

    def __call__(self, parent, title: str, text, keep: str = "", discard: bool = True,
                 changed=()) -> str:
        self.asked.append((text() if callable(text) else text, keep.replace("&", "")))
        self.discard.append(discard)
        return self.answers.pop(0) if self.answers else dialogs.CANCEL


@pytest.fixture
def questions(monkeypatch) -> Questions:
    questions = Questions()
    monkeypatch.setattr(case_dialogs, "ask_export_first", questions)
    return questions


def stored(data_folder) -> dict[str, tuple[str, int, int]]:
    """By slide id: the status, cells and review decisions of each case in the register."""
    with Register(data_folder) as register:
        return {case.facts.sample_id: (case.status, case.rows,
                                       len(register.load(case.uid).reviews))
                for case in register.cases()}


def no_work_left(data_folder) -> bool:
    with Register(data_folder) as register:
        return register.work() is None


def review(window, row: int) -> None:
    window.table.select_source_row(row)
    window.review_current(PARASITIZED)


def test_new_case_keeps_the_open_case_in_the_register_open(screened_window, qtbot,
                                                            data_folder):
    """New case over an open case offered Export…, Discard or Cancel only: the case, its
    cells and reviews, left the window and the register."""
    window = screened_window
    review(window, 0)
    asked = answer(window, "Keep for later")
    assert window.case_flow.new_case()
    assert asked[0][1] == KEEP_BUTTONS and asked[0][0].startswith(
        "Start a new case? The open case S-RACE is not signed. Keep for later leaves it in the "
        "case register, open")
    assert len(window.batch) == 0
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 1)}
    assert no_work_left(data_folder)  # not offered at the next start: it is in the register


def test_the_new_case_question_names_the_open_case_by_its_slide_or_patient_and_time(
        screened_window, qtbot):
    """New case asked about "the open case" without naming it, where the questions about a
    signed case or an amendment name the slide; then, without a slide id, named it by the
    first characters of its uid ("The open case 3f2a1b9c"), which no technician knows."""
    window = screened_window
    asked = answer(window, "Cancel")
    assert not window.case_flow.new_case()
    assert asked[0][0].startswith("Start a new case? The open case S-RACE is not signed.")
    opened = local_time(window.case.case.created_at, seconds=True)
    window.case.update(sample_id="")
    asked = answer(window, "Cancel")
    assert not window.case_flow.new_case()
    assert asked[0][0].startswith(
        f"Start a new case? The open case (no slide id, opened {opened}) is not signed.")
    window.case.update(patient_id="P-00917")
    asked = answer(window, "Cancel")
    assert not window.case_flow.new_case()
    assert asked[0][0].startswith("Start a new case? The open case (patient P-00917, no slide "
                                  f"id, opened {opened}) is not signed.")
    assert window.case.case.uid[:8] not in asked[0][0] and len(window.batch) == 6


def test_quit_keeps_an_open_case_for_later_and_the_next_start_offers_nothing(
        screened_window, make_window, qtbot, data_folder):
    window = screened_window
    review(window, 0)
    asked = answer(window, "Keep for later")
    window.close()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert not window.isVisible() and asked[0][1] == KEEP_BUTTONS
    assert asked[0][0].startswith("Quit? The open case S-RACE is not signed. Keep for later")
    assert stored(data_folder) == {"S-RACE": ("open", 6, 1)} and no_work_left(data_folder)
    again = make_window(start=False)
    start(again)
    qtbot.waitUntil(lambda: again.autosave.register is not None, timeout=WAIT_MS)
    assert not [box for box in again.findChildren(QMessageBox) if box.isVisible()]


# -- an open case taken back from the register -------------------------------------------
def test_a_kept_case_opened_from_the_register_is_finished_and_signed_in_the_window(
        screened_window, qtbot, data_folder, questions):
    """An open case opened from the register was read-only: a case kept for later could
    never be finished."""
    window, batch = screened_window, screened_window.batch
    review(window, 0)
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert window.past_case.shown is None and "read-only" not in window.windowTitle()
    assert window.controls.isEnabled() and window.case_panel.sample_id.isEnabled()
    assert batch.reviewed(0) and window.actions.sign.isEnabled()
    review(window, 1)
    assert batch.reviewed(1)
    qtbot.waitUntil(lambda: stored(data_folder)["S-RACE"][2] == 2, timeout=WAIT_MS)
    assert not no_work_left(data_folder)  # the window's work again: offered after a crash
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann Lee")
    assert_signed(data_folder, window.case.case.uid)


def test_opening_a_past_case_keeps_the_open_one_and_quit_keeps_a_case_taken_back(
        screened_window, make_window, qtbot, data_folder, tmp_path, questions):
    """Opening a past case dropped the open one from the register, and a case taken from the
    register was given up by Quit like one begun in the window."""
    window = screened_window
    questions.answers = [dialogs.KEEP, dialogs.KEEP]
    assert window.case_flow.new_case()
    window.case.update(sample_id="S-NEXT")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert [keep for _, keep in questions.asked] == ["Keep for later"] * 2
    assert questions.asked[1][0].startswith(
        "Open a past case? The open case S-NEXT is not signed.")
    assert window.past_case.shown is None and window.batch.facts.sample_id == "S-RACE"
    review(window, 2)  # a review not exported: Quit asks nothing all the same
    assert window.case_flow.leaving.may_quit() and len(questions.asked) == 2
    window.close()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 1), "S-NEXT": ("open", 3, 0)}
    assert no_work_left(data_folder)  # kept, not offered back as a crash's work

    again = make_window(start=False)
    start(again)
    qtbot.waitUntil(lambda: again.autosave.register is not None, timeout=WAIT_MS)
    assert not [box for box in again.findChildren(QMessageBox) if box.isVisible()]


def test_a_window_without_autosave_leaves_an_open_case_read_only_and_offers_no_keeping(
        screened_window, make_window, qtbot, data_folder, tmp_path, questions):
    """The open case of the window that autosaves is not taken by a second window, which
    cannot keep work in the register: a case is never edited in two windows."""
    second = make_window(start=False)
    with qtbot.waitSignal(second.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(second)
    qtbot.waitUntil(lambda: second.status.autosave_label.toolTip().startswith(
        "Autosave is off"), timeout=WAIT_MS)
    screen_and_wait(second, qtbot, [make_cell_folder(tmp_path / "own", 2)[0].parent])
    review(second, 0)
    questions.answers = [dialogs.DISCARD]
    own = f"(no slide id, opened {local_time(second.case.case.created_at, seconds=True)})"
    open_past(open_register(second, qtbot), qtbot, "S-RACE")
    assert questions.asked == [(f"Open a past case? The open case {own} is not signed: its 2 "
                                "cells and 1 review leave the window and the register (sign "
                                "it first to keep its result, or export its report). Keep for "
                                "later is not offered: autosave is off (another MalariaScope "
                                "window keeps its work there).", "")]
    assert second.past_case.shown is not None
    assert "case S-RACE (not signed, autosave off, read-only)" in second.windowTitle()
    assert not second.actions.sign.isEnabled() and not second.controls.isEnabled()
    review(second, 1)
    assert not second.batch.reviewed(1)
    assert second.case_flow.new_case()  # the view ends: the register keeps its case
    assert len(questions.asked) == 1 and len(second.batch) == 0
    assert screened_window.past_case.shown is None and len(screened_window.batch) == 6
    close_window(second, qtbot)


def test_the_case_open_in_the_window_opened_from_the_register_stays_as_it_is(
        screened_window, qtbot, questions):
    """Opening the window's own open case from the register asked to drop it, then showed
    the register's copy, older than the window's."""
    window = screened_window
    review(window, 0)
    open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert not questions.asked and window.past_case.shown is None
    assert window.batch.reviewed(0) and window.batch.unsaved
    assert window.status.currentMessage() == "Case S-RACE is the case open in this window"


def test_a_case_taken_from_the_register_is_kept_there_never_discarded(
        screened_window, qtbot, data_folder, questions):
    """New case offered Discard for a case taken from the register, saying its cells would
    leave the register; discarded, it stayed there all the same."""
    window = screened_window
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    text, _ = questions.asked[-1]
    assert "opened from the case register: Keep for later leaves it there" in text
    assert "leave the window and the register" not in text and "…." not in text
    assert questions.discard == [True, False]  # the second question offered no Discard
    qtbot.waitUntil(lambda: stored(data_folder)["S-RACE"][0] == "open", timeout=WAIT_MS)


def test_new_case_over_a_taken_case_whose_saves_fail_says_it_stays_in_the_register(
        screened_window, qtbot, data_folder, slow_save, questions):
    """While the register refused its latest changes, New case said the cells of a case
    taken from it would 'leave the window and the register'; discarded, it stayed there."""
    window = screened_window
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    slow_save.refused = window.case.case.uid
    review(window, 0)
    window.autosave.save_now()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    questions.answers = [dialogs.CANCEL]
    assert not window.case_flow.new_case()
    text, _ = questions.asked[-1]
    slow_save.refused = ""
    assert text.startswith("Start a new case? Case S-RACE stays in the case register, open, "
                           "as last saved, but the register refuses its latest changes")
