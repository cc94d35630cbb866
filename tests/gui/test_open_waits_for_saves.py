"""A case of the register asked to open while the window's work is being saved opens once it
is saved: the register then holds all the window asked it to keep, that case included."""

from __future__ import annotations

import uuid
from dataclasses import replace

from malariascope.core.register import Register, StoredCase
from malariascope.gui import dialogs
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import answer, questions, review  # noqa: F401
from tests.images import make_cell_folder


def keep_while_a_save_waits(window, slow_save, data_folder):
    """Keep the window's reviewed case for later while its save is held back by
    ``slow_save``, then begin a new case; the register's copy of it from before the keep."""
    with Register(data_folder) as register:
        before = register.load(window.case.case.uid)
    review(window, 0)
    slow_save.armed = True
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    assert not window.autosave.writes.idle and len(window.batch) == 0
    return before


def test_a_case_opened_while_keep_for_later_is_saved_opens_once_it_is_saved(
        screened_window, qtbot, slow_save, data_folder):
    """Opened from the register straight after Keep for later and New case, a case was
    refused as "still being saved; open it again in a moment"."""
    window = screened_window
    before = keep_while_a_save_waits(window, slow_save, data_folder)
    assert not before.reviews  # the copy the register held: the review is in the keep's save
    assert window.past_case.show(before, "")
    assert window.status.currentMessage() == (
        "Case S-RACE opens once the window's work is saved to the case register")
    assert len(window.batch) == 0 and window.past_case.waiting.uid == before.case.uid
    slow_save.end()
    qtbot.waitUntil(lambda: len(window.batch) == 6, timeout=WAIT_MS)
    assert "opens once" not in window.status.currentMessage()  # it has opened
    assert window.past_case.shown is None and window.controls.isEnabled()  # to be finished
    assert window.batch.case.uid == before.case.uid and window.batch.reviewed(0)
    assert window.batch.facts.sample_id == "S-RACE" and window.autosave.took(before.case.uid)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert len(register.load(before.case.uid).reviews) == 1


def another_open_case(data_folder, stored: StoredCase, sample_id: str) -> StoredCase:
    """A copy of ``stored``'s cells as another open case of the register, ``sample_id``."""
    case = replace(stored.case, uid=uuid.uuid4().hex,
                   facts=replace(stored.case.facts, sample_id=sample_id))
    with Register(data_folder) as register:
        register.save(case, cells=stored.cells, first_row=0)
        return register.load(case.uid)


def test_of_two_cases_asked_to_open_during_a_save_the_last_opens(
        screened_window, qtbot, slow_save, data_folder):
    window = screened_window
    before = keep_while_a_save_waits(window, slow_save, data_folder)
    other = another_open_case(data_folder, before, "S-OTHER")
    assert window.past_case.show(before, "") and window.past_case.show(other, "")
    assert window.status.currentMessage() == (
        "Case S-OTHER opens once the window's work is saved to the case register")
    slow_save.end()
    qtbot.waitUntil(lambda: len(window.batch) == 6, timeout=WAIT_MS)
    assert window.batch.case.uid == other.case.uid and window.past_case.shown is None
    assert not window.past_case.waiting.uid and window.batch.facts.sample_id == "S-OTHER"


def test_a_case_waiting_to_open_is_no_longer_said_to_wait_once_another_is_asked_for(
        screened_window, qtbot, slow_save, data_folder):
    """"Case S-RACE opens once the window's work is saved" stayed 15 s after another case
    was asked for from the register, though S-RACE then waited no more."""
    window = screened_window
    before = keep_while_a_save_waits(window, slow_save, data_folder)
    other = another_open_case(data_folder, before, "S-OTHER")
    assert window.past_case.show(before, "")
    assert window.status.currentMessage().startswith("Case S-RACE opens once")
    answered = []
    window.past_case.read(window.autosave.register, other.case.uid, answered.append,
                          answered.append)
    assert window.past_case.waiting.uid == ""
    assert "opens once" not in window.status.currentMessage()
    slow_save.end()
    qtbot.waitUntil(lambda: len(answered) == 1, timeout=WAIT_MS)


def test_a_case_waiting_to_open_is_given_up_when_the_windows_work_is_not_saved(
        screened_window, qtbot, slow_save, data_folder):
    """A write refused is tried again every 30 s: the open waits for none of those tries."""
    window = screened_window
    slow_save.refused = window.case.case.uid  # the keep's save meets a full disk
    before = keep_while_a_save_waits(window, slow_save, data_folder)
    assert window.past_case.show(before, "")
    with qtbot.waitSignal(window.autosave.failed, timeout=WAIT_MS):
        slow_save.end()
    assert window.status.currentMessage() == (
        "Case S-RACE not opened: the window's work could not be saved to the case register "
        "(the disk is full)")
    assert window.past_case.waiting.uid == "" and len(window.batch) == 0
    assert not window.past_case.show(before, "")  # nor on asking again while it is retried
    assert window.status.currentMessage().startswith(
        "Case S-RACE not opened: the window's work could not be saved to the case register; "
        "it is tried again every")
    assert len(window.batch) == 0
    slow_save.refused = ""  # closing the window saves it


def test_a_case_waiting_to_open_asks_about_the_windows_case_when_asked_for(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions):  # noqa: F811
    """Opened from the register while the first save of the window's new case was held up
    (another window holding the register), a case asked nothing then: "Open a past case?"
    popped up once the save was through, seconds or minutes later, over whatever the
    technician was doing. Now it is asked at once, and only once."""
    window, uid = screened_window, screened_window.case.case.uid
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        kept = register.load(uid)
    slow_save.armed = True  # the new case's first save waits
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    qtbot.waitUntil(lambda: not window.autosave.writes.idle, timeout=WAIT_MS)
    questions.answers = [dialogs.KEEP]

    assert window.past_case.show(kept, "")
    assert window.past_case.waiting.uid == kept.case.uid and len(questions.asked) == 2
    assert questions.asked[1][0].startswith("Open a past case?")
    slow_save.end()
    qtbot.waitUntil(lambda: window.batch.case.uid == kept.case.uid, timeout=WAIT_MS)
    assert len(questions.asked) == 2 and window.past_case.shown is None
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert {case.rows for case in Register(data_folder).cases()} == {6, 3}
