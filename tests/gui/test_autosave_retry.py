"""A write the register's file refuses (a full disk, a lock) is tried again until it goes, the
writes after it waiting their turn; a write refused for what it holds does not hold them back."""

from __future__ import annotations

import sqlite3

import pytest

from malariascope.core.errors import RegisterError, RegisterLockedError, RegisterWriteError
from malariascope.core.register import FILE_NAME, Register
from malariascope.gui.workers import WorkerGroup
from malariascope.gui.write_queue import Write, WriteQueue
from tests.gui.helpers import answer_next_dialog, click, close_window, wait_for_box
from tests.gui.saving_faults import WAIT_MS, assert_signed, writes_done
from tests.images import make_cell_folder


def _screen_another(window, qtbot, tmp_path, sample_id: str) -> None:
    """Screen a second slide of 5 cells in the window's new case, and type its slide id."""
    folder = tmp_path / sample_id
    make_cell_folder(folder, 5)
    assert window.open_paths([folder])
    qtbot.waitUntil(lambda: len(window.batch) == 5 and not window.controller.screening,
                    timeout=WAIT_MS)
    qtbot.keyClicks(window.case_panel.sample_id, sample_id)


def _a_change(window) -> None:
    window.case.batch.set_review(0, window.case.batch.final_call(0))


@pytest.mark.usefixtures("quick_retry")
def test_a_discarded_case_whose_discard_was_refused_is_discarded_when_tried_again(
        screened_window, qtbot, data_folder, slow_save):
    """The drop forgot its case before the register refused to discard it, so the retry did
    nothing and said it was done: the case was offered back at the next start."""
    window = screened_window
    uid = window.case.case.uid
    slow_save.discards_refused = 1
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window) and not slow_save.discards_refused,
                    timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert uid not in {case.uid for case in register.cases()}
        assert register.work() is None


@pytest.mark.usefixtures("quick_retry")
def test_a_case_the_register_cannot_take_does_not_hold_back_the_next(
        screened_window, qtbot, data_folder, tmp_path, slow_save):
    """A refusal that no retry can mend (a conflict with another window's amendment) was tried
    again for ever, and no later case reached the register."""
    window = screened_window
    slow_save.conflicting = window.case.case.uid
    _a_change(window)
    with qtbot.waitSignal(window.autosave.failed, timeout=WAIT_MS):
        window.autosave.save_now()
    assert not window.autosave.writes.retrying
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    assert window.case_flow.new_case()
    _screen_another(window, qtbot, tmp_path, "S-NEXT")
    qtbot.waitUntil(lambda: writes_done(window), timeout=10_000)
    with Register(data_folder) as register:
        assert len(register.load(window.case.case.uid).cells) == 5


def test_a_signed_case_is_not_left_unasked_while_an_earlier_save_waits_its_retry(
        screened_window, qtbot, data_folder, slow_save):
    """With a refused save waiting its next try, signing counted on autosave to save the case
    next: New case left it unasked, and the failure was told only once it was gone."""
    window = screened_window
    uid = slow_save.refused = window.case.case.uid
    _a_change(window)
    with qtbot.waitSignal(window.autosave.failed, timeout=WAIT_MS):
        window.autosave.save_now()
    assert window.autosave.writes.retrying  # in 30 s
    assert window.case_flow.sign("Ann Lee")
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert not window.case_flow.new_case()
    assert "Signed case S-RACE is not saved" in asked[0] and window.case.case.uid == uid
    close_window(window, qtbot)


@pytest.mark.usefixtures("quick_retry")
def test_each_signed_case_saved_late_gets_its_pictures(screened_window, qtbot, data_folder,
                                                       tmp_path, slow_save):
    """Signed while the first one's save waited to be tried again, a second case took the
    place of the first's report pictures: the first was saved signed without them."""
    window = screened_window
    first = slow_save.failing = window.case.case.uid
    flagged = window.batch.counts.parasitized + window.batch.counts.uncertain
    assert flagged
    assert window.case_flow.sign("Ann Lee")
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    assert window.case_flow.new_case()  # left unsaved, on purpose; saved when it can be
    _screen_another(window, qtbot, tmp_path, "S-SECOND")
    assert window.case_flow.sign("Bob Ray")
    second = window.case.case.uid
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")  # not while A waits
    slow_save.failing = ""  # the disk has room again

    def pictured() -> bool:
        with Register(data_folder) as register:
            return all(register.pictures(uid) for uid in (first, second))

    qtbot.waitUntil(lambda: writes_done(window) and pictured(), timeout=WAIT_MS)
    assert_signed(data_folder, first)
    assert_signed(data_folder, second, by="Bob Ray")


def test_closing_stops_writing_once_another_programs_lock_held_a_write(qapp):
    """Closing tried every waiting write, each waiting SQLite's 5 s busy timeout on a register
    another program held locked: 25 s for four. A write refused for what it holds, or by a
    full disk (a smaller one may still go), lets the next go."""
    tried = []

    def refuse(kind: type[Exception], name: str) -> Write:
        def call() -> None:
            tried.append(name)
            raise kind(f"{name} refused")
        return Write(call)

    queue = WriteQueue(WorkerGroup(), None)
    queue._waiting = [refuse(RegisterError, "conflict"), refuse(RegisterWriteError, "full"),
                      refuse(RegisterLockedError, "locked"), refuse(RegisterLockedError, "next")]
    queue.close(refuse(RegisterLockedError, "last"))
    assert tried == ["conflict", "full", "locked"]


@pytest.mark.usefixtures("quick_retry")
def test_a_new_case_signed_while_the_register_is_locked_is_not_said_kept_unsigned(
        screened_window, qtbot, data_folder, tmp_path):
    """Another program held the register locked from before a new case's first save: its
    signed save took the place of the unsigned one waiting, both refused alike, and the
    "Not saved" box said the register kept the case as last saved, unsigned, when it held
    no copy of it at all; its reason was the refused discard of the case before. The
    signed save is tried again until the lock goes."""
    window = screened_window
    locker = sqlite3.connect(data_folder / FILE_NAME, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # as another program writing to the register
    try:
        assert window.case_flow.new_case(ask=False)
        _screen_another(window, qtbot, tmp_path, "S-NEW")
        uid = window.case.case.uid
        assert window.case_flow.sign("Ann Lee")
        box = wait_for_box(qtbot, window, "Not saved to the register")
        assert not locker.execute("SELECT 1 FROM cases WHERE uid = ?", (uid,)).fetchall()
        assert ("could not be saved to the register: the register cannot be written now "
                "(database is locked)") in box.text() and "tries again every" in box.text()
        assert "discard" not in box.text()  # the refused write was the case before's drop
        assert "The register holds no copy of it yet." in box.text()
        click(box, "OK")
        asked: list[str] = []
        answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
        assert not window.case_flow.new_case()
        assert ("S-NEW is not saved as signed in the case register, which holds no copy of "
                "it yet") in asked[0]
    finally:
        locker.rollback()
        locker.close()
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)
    assert_signed(data_folder, uid)
