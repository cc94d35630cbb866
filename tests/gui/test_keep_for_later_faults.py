"""A case kept for later, or taken from the register, stays there whatever befalls the window:
a disk that refuses its saves, a crash, a copy of it older than the register."""

from __future__ import annotations

import pytest

from malariascope.gui import dialogs
from malariascope.gui.app import start
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    answer_next_dialog,
    click,
    close_window,
    wait_for_box,
)
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import questions, review, stored  # noqa: F401
from tests.gui.test_register_dialog import open_past, open_register


def closed(window, qtbot) -> None:
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert not window.isVisible()


def killed(window, qtbot) -> None:
    """Close ``window`` as a kill does: its saves so far in the register, no closing write."""
    saver = window.autosave
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    saver.close = lambda: (saver.start.close(), saver.work.register.close())
    close_window(window, qtbot)  # a question, if any, answered Discard: a kill asks nothing


def test_keep_for_later_at_quit_on_a_disk_refusing_the_save_never_discards_the_case(
        screened_window, qtbot, data_folder, slow_save):
    """Closing ran the keep, refused by a full disk, then the drop of the case the window
    left, which deleted the case it had promised to keep."""
    window = screened_window
    review(window, 0)
    slow_save.refused = window.case.case.uid
    answer_next_dialog(window, lambda box: click(box, "Keep for later"))
    window.close()
    closed(window, qtbot)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)}  # as last saved


def test_a_case_kept_while_the_disk_refuses_it_stays_when_the_window_closes(
        screened_window, qtbot, data_folder, slow_save, questions):  # noqa: F811
    window = screened_window
    review(window, 0)
    slow_save.refused = window.case.case.uid
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    window.close()  # the new case is empty: Quit asks nothing
    closed(window, qtbot)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)}


def restore_taken_case(window, make_window, qtbot, questions):  # noqa: F811
    """Keep the case of ``window`` for later, take it back from the register and kill the
    window: another window started asks to restore it (that window, and its question)."""
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")  # taken back
    assert window.past_case.shown is None
    killed(window, qtbot)
    again = make_window(start=False)
    with qtbot.waitSignal(again.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(again)
    return again, wait_for_box(qtbot, again, "Restore unsaved work?")


def test_a_taken_case_restored_after_a_crash_is_kept_by_quit(
        screened_window, make_window, qtbot, data_folder, questions):  # noqa: F811
    """Restored after a crash, a case taken from the register counted as begun in the
    window: Quit asked nothing and deleted it from the register."""
    again, box = restore_taken_case(screened_window, make_window, qtbot, questions)
    assert "Discard" not in [button.text().replace("&", "") for button in box.buttons()]
    click(box, "Restore")
    assert again.batch.facts.sample_id == "S-RACE" and again.case_flow.leaving.may_quit()
    again.close()
    closed(again, qtbot)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)} and len(questions.asked) == 1


def test_the_restore_question_of_a_taken_case_offers_only_what_it_can_do(
        screened_window, make_window, qtbot, questions):  # noqa: F811
    """The question of a case taken from the register ended "Restore this work, or discard
    it for good?" over a Restore button alone: the register keeps that case. Restored, its
    one review was "1 reviews"."""
    review(screened_window, 0)
    again, box = restore_taken_case(screened_window, make_window, qtbot, questions)
    text = box.text()
    click(box, "Restore")
    assert "discard" not in text.lower()
    assert text.endswith("It stays in the case register: restore it to go on with it here.")
    assert again.status.currentMessage() == "Restored 6 cells and 1 review"


@pytest.mark.usefixtures("quick_retry")
def test_a_kept_case_is_opened_only_once_its_keep_has_reached_the_register(
        screened_window, qtbot, data_folder, slow_save, questions):  # noqa: F811
    """Opened while its keep waited to be tried again, the case was taken from the
    register's older copy: the window showed it editable, and every save after, signing
    too, was refused."""
    window = screened_window
    review(window, 0)
    slow_save.refused = window.case.case.uid  # the disk refuses the case's saves a while
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert len(window.batch) == 0 and window.status.currentMessage().startswith(
        "Case S-RACE not opened: the window's work could not be saved to the case register")
    slow_save.refused = ""
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert window.past_case.shown is None and window.batch.reviewed(0)
    review(window, 1)
    window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 2)}


@pytest.mark.usefixtures("quick_retry")
def test_quit_says_a_taken_case_stays_while_its_latest_changes_are_refused(
        screened_window, qtbot, data_folder, slow_save, questions):  # noqa: F811
    """Quit of a taken case while the register refused its save said that its cells and
    reviews would leave the register; the case stayed whatever the answer."""
    window = screened_window
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    slow_save.refused = window.case.case.uid
    review(window, 0)
    window.autosave.save_now()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    questions.answers = [dialogs.DISCARD]
    window.close()
    closed(window, qtbot)
    assert questions.asked[-1] == (
        "Quit? Case S-RACE stays in the case register, open, as last saved, but the register "
        "refuses its latest changes just now: they may be lost. Export its report first to "
        "keep them.", "")
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)}
