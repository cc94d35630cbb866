"""An open case of the register asked for while the window screens a big batch, saving its
case about once a second: the register's answer to taking it holds through those saves, so a
case slower to read than the save pace opens from a read or two, while the screening goes
on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from malariascope.core.register import Register
from malariascope.gui import case_reading, dialogs
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import Questions, questions, review  # noqa: F401
from tests.gui.test_register_dialog import open_register, select
from tests.images import make_cell_folder, write_many_cells

SAVES_PER_READ = 2  # a read lasts until the window has asked for this many saves
SAFETY_S = 60  # a held read goes on by then whatever happens, so no test hangs
CELLS = 12_000  # screened for far longer than the saves a read waits for


@pytest.fixture(scope="module")
def long_batch(tmp_path_factory) -> Path:
    """:data:`CELLS` generated cells (``write_many_cells``)."""
    return write_many_cells(tmp_path_factory.mktemp("long"), CELLS, size=80)


class SlowRead:
    """Makes every read of a case for the window (``case_reading.read_case``, the real one)
    last until ``window``'s autosave has asked for :data:`SAVES_PER_READ` saves since it
    began, as one of a big case or from a slow disk does, or its screening has ended;
    :attr:`calls` counts the reads. Saves asked, not written, are counted: the tests' thread
    pool has as many threads as cores, and on two the held read and the screening fill it,
    so the saves wait for the read."""

    def __init__(self, window, monkeypatch) -> None:
        self.calls = 0
        self._saves = 0
        self._held: list[tuple[int, threading.Event]] = []  # (saves awaited, its gate)
        self._ended = False
        self._lock = threading.Lock()
        real = case_reading.read_case

        def held(*args):
            gate = threading.Event()
            with self._lock:
                self.calls += 1
                self._held.append((self._saves + SAVES_PER_READ, gate))
                if self._ended:
                    gate.set()
            gate.wait(SAFETY_S)
            return real(*args)

        monkeypatch.setattr(case_reading, "read_case", held)
        window.autosave.pace.due.connect(self._on_save_asked)
        window.controller.screening_finished.connect(self.end)

    def _on_save_asked(self) -> None:
        with self._lock:
            self._saves += 1
            for awaited, gate in self._held:
                if self._saves >= awaited:
                    gate.set()

    def end(self, *_: object) -> None:
        with self._lock:
            for held in self._held:
                held[1].set()
            self._ended = True  # no later read waits either


def test_an_open_case_asked_for_while_a_big_batch_is_screened_opens_from_one_read(
        screened_window, qtbot, long_batch, monkeypatch,
        questions: Questions):  # noqa: F811
    """Every save of the batch being screened (about one a second) bumped the writes asked
    of the window, so the register's answer about a case slower to read than that never
    held: it was read again after each save, or waited for saves that kept coming, until
    the screening ended, "Opening the case…" all the while."""
    window = screened_window
    uid = window.case.case.uid
    review(window, 0)
    questions.answers = [dialogs.KEEP, dialogs.KEEP]
    assert window.case_flow.new_case()  # S-RACE kept for later
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.open_paths([long_batch])
    for _ in range(2):  # the batch is saved as it is screened, about once a second
        with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
            pass
    slow = SlowRead(window, monkeypatch)
    try:
        dialog = open_register(window, qtbot)
        select(dialog, "S-RACE")
        dialog.open_selected()
        qtbot.waitUntil(lambda: window.batch.case.uid == uid or slow.calls > 1,
                        timeout=WAIT_MS)
    finally:
        slow.end()
    assert slow.calls == 1 and not dialog.isVisible()
    assert_taken_from_the_screening(window, questions, uid)


def test_an_open_case_waiting_for_its_keep_stops_the_batch_screened_when_asked_for(
        screened_window, qtbot, data_folder, slow_save, long_batch,
        questions: Questions):  # noqa: F811
    """A case asked for while the window's keep of it was being saved, the window screening
    a big batch, asked about the batch only once the keep was saved: the batch went on being
    screened meanwhile, and the question popped up later. Now it is asked at once, and the
    answer stops the screening then, as the question says."""
    window = screened_window
    uid = window.case.case.uid
    with Register(data_folder) as register:
        before = register.load(uid)
    review(window, 0)
    questions.answers = [dialogs.KEEP, dialogs.KEEP]
    slow_save.armed = True
    assert window.case_flow.new_case()  # S-RACE's keep, held
    assert window.open_paths([long_batch])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=WAIT_MS)
    assert window.past_case.show(before, "") and window.past_case.waiting.uid == uid
    assert not window.controller.screening and len(questions.asked) == 2
    slow_save.end()
    qtbot.waitUntil(lambda: window.batch.case.uid == uid, timeout=WAIT_MS)
    assert_taken_from_the_screening(window, questions, uid)


def assert_taken_from_the_screening(window, asked: Questions, uid: str) -> None:
    """Case ``uid`` (S-RACE, one review) is the window's, to be finished, taken while the
    window screened its batch: the question ``asked`` before it left the window said so."""
    assert len(asked.asked) == 2 and "still being screened" in asked.asked[1][0]
    assert window.batch.case.uid == uid and window.past_case.shown is None
    assert window.batch.facts.sample_id == "S-RACE" and window.batch.reviewed(0)
    assert not window.controller.screening and window.autosave.took(uid)


def test_a_save_of_the_case_saved_before_is_the_only_write_that_changes_one_case(
        screened_window, qtbot, slow_save, tmp_path, questions: Questions):  # noqa: F811
    """A keep, a drop, and the first save of the next case (it drops the case before) may
    change any case of the register; the saves of that case after it change it alone."""
    window = screened_window
    uid, writes = window.case.case.uid, window.autosave.writes
    slow_save.start(window)  # a save of S-RACE, held
    assert writes.may_change(uid) and not writes.may_change("another case")
    turns = writes.turns
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()  # S-RACE kept, after the save
    assert writes.may_change("another case") and writes.turns > turns
    slow_save.end()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert not writes.may_change(uid)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    turns, asked = writes.turns, writes.asked
    review(window, 0)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert writes.asked > asked and writes.turns == turns
    assert writes.saving == window.case.case.uid != uid
