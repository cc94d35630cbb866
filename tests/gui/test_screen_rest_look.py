"""Whether the folders of a partial case's rest are there is looked at in a worker, off the UI
thread (a disconnected network drive can take tens of seconds to answer), the button off till
the answer comes; while one is out no other starts; a click refused because they are gone
turns the button off and says why on the Case tab, not only in the status bar."""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui import case_rest
from malariascope.gui.case_rest import LOOKING
from tests.gui.helpers import restore_at_start
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_screen_rest import offered, reopen, reopened  # noqa: F401

GATE_SECONDS = 60  # a gate never opened lets its look end at last


def to_front() -> None:
    """MalariaScope comes back to the front (another program was)."""
    QApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)


def gone_case(make_window, qtbot, cut_short, tmp_path):
    """A window whose reopened partial case's folder is gone (moved to the path returned)."""
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    moved = shutil.move(folder, tmp_path / "moved")
    window = reopen(window, qtbot)
    assert not window.actions.screen_rest.isEnabled() and "not there" in window.rest.why.text()
    return window, folder, moved


def test_the_folders_are_looked_for_in_a_worker_whose_answer_drives_the_button(
        make_window, qtbot, cut_short, tmp_path):
    window, folder, moved = gone_case(make_window, qtbot, cut_short, tmp_path)
    shutil.move(moved, folder)
    to_front()  # the look is out: its answer reaches the window through its event loop
    assert window.rest.looking and window.rest.why.text() == LOOKING
    assert not window.actions.screen_rest.isEnabled()
    qtbot.waitUntil(lambda: offered(window), timeout=WAIT_MS)
    assert window.rest.why.isHidden() and not window.rest.looking


def come_to_rest(window) -> None:
    """The case comes to rest (a screening ended), and the Case tab is shown again."""
    window.controller.idle.emit()
    window.rest.offer(True)


@pytest.mark.parametrize("nudge", [lambda window: to_front(), come_to_rest],
                         ids=["to the front", "come to rest"])
def test_a_nudge_while_a_look_is_stuck_starts_no_other_look_but_one_after_it(
        make_window, qtbot, cut_short, tmp_path, monkeypatch, nudge):
    """Each return to the front, and each time the case came to rest, started a look while
    one was stuck on a dead drive: six filled the workers' pool that screening, autosave
    and exports share."""
    window, folder, moved = gone_case(make_window, qtbot, cut_short, tmp_path)
    looked: list[threading.Event] = []  # a gate per look, once it has read the disk
    read_disk = case_rest.not_there

    def gated(names: tuple[str, ...]) -> list[str]:
        gone, gate = read_disk(names), threading.Event()
        looked.append(gate)
        gate.wait(GATE_SECONDS)
        return gone

    started: list[object] = []  # the looks started, as they start

    class CountedWorker(case_rest.Worker):
        def __init__(self, *args) -> None:
            super().__init__(*args)
            started.append(self)

    monkeypatch.setattr(case_rest, "not_there", gated)
    monkeypatch.setattr(case_rest, "Worker", CountedWorker)
    to_front()  # the first look finds the folder gone, and is held
    qtbot.waitUntil(lambda: len(looked) == 1, timeout=WAIT_MS)
    shutil.move(moved, folder)  # the drive comes back while it is held
    for _ in range(6):
        nudge(window)
    assert len(started) == 1 and window.rest.looking
    looked[0].set()  # its answer, gone, starts one look more, which finds the folder
    qtbot.waitUntil(lambda: len(looked) == 2, timeout=WAIT_MS)
    looked[1].set()
    qtbot.waitUntil(lambda: offered(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not len(window.controller.workers), timeout=WAIT_MS)
    assert len(started) == len(looked) == 2 and window.rest.why.isHidden()


def test_a_click_refused_as_the_folder_is_gone_turns_the_button_off_and_says_why(
        reopened, qtbot, tmp_path):  # noqa: F811
    folder, window = reopened
    window.central.show_case()
    assert offered(window)
    shutil.move(folder, tmp_path / "moved")  # while MalariaScope was in front
    window.actions.screen_rest.trigger()  # the answer of a look in a worker says so
    qtbot.waitUntil(lambda: "not there" in window.status.currentMessage(), timeout=WAIT_MS)
    assert not window.actions.screen_rest.isEnabled() and window.rest.why.isVisible()
    assert str(folder) in window.rest.why.text()
