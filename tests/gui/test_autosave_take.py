"""Autosave, off while the data folder takes no file, is tried again in a worker: the folder
is made, and probed when no lock can be made there, off the UI thread (a folder on a network
mount that hangs would freeze the window at each try); a try under way as the window closes
takes nothing once it has closed; a lock held for a moment by another window looking is
tried again before autosave is off for good."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, QThreadPool

from malariascope.core.datadir import data_dir
from malariascope.gui import autosave_start, folder_lock
from malariascope.gui.autosave_start import AGAIN_MS
from malariascope.gui.folder_lock import held_elsewhere
from tests.gui.helpers import quit_window
from tests.gui.test_autosave import WAIT_MS
from tests.gui.test_autosave_back import cannot_be_made, off_at_start, read_only
from tests.gui.test_folder_lock import HOLD_FOR_A_MOMENT, ROOT

Calls = list[tuple[str, threading.Thread]]


@pytest.fixture
def folder_calls(monkeypatch) -> Calls:
    """Each making of the data folder (``Path.mkdir``) and each probe written in it
    (``temp_beside``, the probe's first file), with the thread it ran in; every call the
    real one."""
    calls: Calls = []
    mkdir, temp_beside = Path.mkdir, folder_lock.temp_beside

    def made(path: Path, *args, **kwargs) -> None:
        if path == data_dir():
            calls.append(("made", threading.current_thread()))
        mkdir(path, *args, **kwargs)

    def probed(*args, **kwargs) -> Path:
        calls.append(("probed", threading.current_thread()))
        return temp_beside(*args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", made)
    monkeypatch.setattr(folder_lock, "temp_beside", probed)
    return calls


def off_the_ui_thread(calls: Calls, kinds: set[str]) -> bool:
    return {kind for kind, _ in calls} == kinds and threading.main_thread() not in {
        thread for _, thread in calls}


def test_autosave_tried_again_makes_and_probes_the_data_folder_off_the_ui_thread(
        make_window, qtbot, tmp_path, monkeypatch, folder_calls):
    """Try now and the 30 s retry made the data folder and wrote the probe of a folder that
    took no lock on the UI thread: on a network mount that hangs, the window froze at each
    try, every 30 s while autosave was off."""
    read_only(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    start = window.autosave.start
    folder_calls.clear()
    with qtbot.waitSignal(window.autosave.off, timeout=WAIT_MS) as off:
        window.status.autosave_label.linkActivated.emit("try")
    assert off.args[0].startswith(f"cannot write in {data_dir()}")
    assert off_the_ui_thread(folder_calls, {"made", "probed"})
    folder_calls.clear()
    start.again.start(0)  # the time is up: the real timer runs out
    qtbot.waitUntil(lambda: len(folder_calls) >= 2, timeout=WAIT_MS)
    start.again.setInterval(AGAIN_MS)  # tried once more: the next try is 30 s away
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert off_the_ui_thread(folder_calls, {"made", "probed"}) and start.tries_again


def test_a_try_under_way_as_the_window_closes_takes_nothing_after(
        make_window, qtbot, tmp_path, monkeypatch, folder_calls):
    """A try that ends after the window closed neither holds the data folder's lock nor
    reads the register, nor says autosave is on or off."""
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    folder = fix()
    told: list[str] = []
    window.autosave.on.connect(lambda: told.append("on"))
    window.autosave.off.connect(told.append)
    folder_calls.clear()
    window.status.autosave_label.linkActivated.emit("try")
    assert QThreadPool.globalInstance().waitForDone(WAIT_MS)  # the lock taken, not yet told
    quit_window(window, qtbot)  # the answer comes after the window has closed
    assert QThreadPool.globalInstance().waitForDone(WAIT_MS)  # the lock taken let go
    assert off_the_ui_thread(folder_calls, {"made"}) and folder.is_dir()
    assert not held_elsewhere(folder) and window.autosave.register is None
    assert told == [] and not window.autosave.start.again.isActive()


def test_try_now_while_another_window_looks_at_the_lock_still_turns_autosave_on(
        make_window, qtbot, tmp_path, monkeypatch):
    """Try now tried the lock once: another window holding it for a moment just then (it
    looks whether the data folder is held) turned autosave off for good, "another
    MalariaScope window keeps its work there", and it was tried again no more."""
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    folder = fix()
    folder.mkdir(parents=True)
    other = subprocess.Popen([sys.executable, "-c", HOLD_FOR_A_MOMENT, str(folder)], cwd=ROOT,
                             text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert other.stdout.readline() == "held\n"
        take = autosave_start.take

        def taken_then_let_go(path: Path, lock: QLockFile) -> folder_lock.Taken:
            found = take(path, lock)
            if found.held and other.poll() is None:  # the other window has looked
                other.stdin.write("done\n")
                other.stdin.flush()
                other.wait()
            return found

        monkeypatch.setattr(autosave_start, "take", taken_then_let_go)
        with qtbot.waitSignal(window.autosave.on, timeout=WAIT_MS):
            window.status.autosave_label.linkActivated.emit("try")
    finally:
        other.kill()
        other.wait()
    assert window.autosave.register is not None and window.autosave.start.reason == ""
