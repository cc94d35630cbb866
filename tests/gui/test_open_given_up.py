"""A case of the register asked to open while the window's work is being saved: the window's
own case leaves at once, once the technician agrees, and the open waits for the saves. When
that open is given up (the saves fail, or the case asked for has gone from the register),
the window's case is back in the window, and the status bar says why."""

from __future__ import annotations

import pytest

from malariascope.core.register import Register
from malariascope.gui import case_dialogs, dialogs
from tests.gui.helpers import close_window, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import questions, review, stored  # noqa: F401
from tests.images import make_cell_folder, write_field


def ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path, answers,
                           leaving: str, refused: bool = False):
    """Keep the window's case S-RACE for later, screen a new case S-NEXT of 3 cells whose
    first save ``slow_save`` holds back (and refuses, when ``refused``), and ask for S-RACE
    from the register, S-NEXT leaving the window as ``leaving`` answers (``answers``: the
    questions fixture); S-RACE as read, and S-NEXT's uid."""
    first = window.batch.case.uid
    answers.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        kept = register.load(first)
    uid = screen_next_while_it_saves(window, qtbot, slow_save, tmp_path, refused)
    answers.answers = [leaving]
    assert window.past_case.show(kept, "")
    assert window.past_case.waiting.uid == kept.case.uid and len(window.batch) == 0
    assert answers.asked[-1][0].startswith("Open a past case?")
    return kept, uid


def screen_next_while_it_saves(window, qtbot, slow_save, tmp_path, refused: bool = False) -> str:
    """Screen a new case S-NEXT of 3 cells in ``window``, empty, one reviewed, whose first
    save ``slow_save`` holds back (and refuses, when ``refused``); S-NEXT's uid, once that
    save waits."""
    uid = window.batch.case.uid
    if refused:
        slow_save.refused = uid
    slow_save.armed = True  # S-NEXT's first save waits
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    window.case.update(sample_id="S-NEXT")
    review(window, 0)
    assert window.batch.case.uid == uid
    qtbot.waitUntil(slow_save.held.is_set, timeout=WAIT_MS)  # running: no later write drops it
    return uid


def is_back(window, uid: str) -> None:
    """S-NEXT, the window's case, is back in the window as it left it, open to work on."""
    batch = window.batch
    assert batch.case.uid == uid and len(batch) == 3 and batch.reviewed(0)
    assert batch.facts.sample_id == "S-NEXT" and window.past_case.shown is None
    assert window.controls.isEnabled() and not window.past_case.waiting.uid


def test_a_case_gone_from_the_register_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions):  # noqa: F811
    """Kept for later as S-RACE was asked for, S-NEXT left the window at once; S-RACE,
    discarded meanwhile by another window, was not opened, and the window stayed empty."""
    window = screened_window
    kept, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                       questions, dialogs.KEEP)
    with Register(data_folder) as register:  # another window discards it
        register.discard(kept.case.uid)
    slow_save.end()
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith(
        "Case S-RACE not opened"), timeout=WAIT_MS)
    is_back(window, uid)
    message = window.status.currentMessage()
    assert message.startswith(f"Case S-RACE not opened: no case {kept.case.uid[:8]} in ")
    assert message.endswith("; case S-NEXT is back in the window")
    review(window, 1)  # its work goes on, saved to the case kept for later
    assert window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-NEXT": ("open", 3, 2)}
    assert window.autosave.took(uid) and not window.case_flow.leaving.quit_asks


@pytest.mark.parametrize(("leaving", "kept"), [(dialogs.KEEP, {"S-NEXT": ("open", 3, 1)}),
                                             (dialogs.DISCARD, {})], ids=["kept", "discarded"])
def test_a_save_refused_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions,  # noqa: F811
        leaving, kept):
    """S-NEXT's save, as S-RACE was asked for, met a full disk: S-RACE was not opened, and
    the window stayed empty, S-NEXT gone from it. Back, it is kept in the register or not
    as the technician answered, once the disk takes it (here: as the window closes)."""
    window = screened_window
    _, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                    questions, leaving, refused=True)
    with qtbot.waitSignal(window.autosave.failed, timeout=WAIT_MS):
        slow_save.end()
    is_back(window, uid)
    assert window.status.currentMessage() == (
        "Case S-RACE not opened: the window's work could not be saved to the case register "
        "(the disk is full); case S-NEXT is back in the window")
    assert window.autosave.took(uid) == (leaving == dialogs.KEEP)
    slow_save.refused = ""  # closing the window saves it
    close_window(window, qtbot)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0), **kept}


def test_the_case_put_back_holds_the_cells_screened_while_it_was_asked_to_leave(
        screened_window, qtbot, slow_save, data_folder, tmp_path, monkeypatch):
    """The case was copied to be put back before the technician answered, while fields went
    on screening into it: given back its older copy, the window lost the cells screened
    meanwhile and every later save failed ("cells were given from row 0, but 776 are
    stored"). Back, it holds them, and saves."""
    window = screened_window
    first = window.batch.case.uid
    monkeypatch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.KEEP)
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        kept = register.load(first)
    (tmp_path / "fields").mkdir()
    for seed in range(30):  # screening still as the question is asked
        write_field(tmp_path / "fields" / f"field-{seed}.png", seed)
    slow_save.armed = True  # the new case's first save waits
    assert window.open_paths([tmp_path / "fields"])
    qtbot.waitUntil(lambda: len(window.batch) > 0 and not window.autosave.writes.idle,
                    timeout=WAIT_MS)
    answered = []

    def answer_once_more_is_screened(*_, **__) -> str:
        before = len(window.batch)
        qtbot.waitUntil(lambda: len(window.batch) > before, timeout=WAIT_MS)
        answered.append(len(window.batch))
        return dialogs.KEEP

    monkeypatch.setattr(case_dialogs, "ask_export_first", answer_once_more_is_screened)
    assert window.past_case.show(kept, "")
    with Register(data_folder) as register:  # another window discards the case asked for
        register.discard(kept.case.uid)
    slow_save.end()
    qtbot.waitUntil(lambda: "back in the window" in window.status.currentMessage(),
                    timeout=WAIT_MS)
    assert len(window.batch) == answered[0]
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert "failed" not in window.status.currentMessage()
