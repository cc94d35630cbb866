"""The data folder's lock: the window that takes it as it starts autosaves; a window holding
it only for a moment (to ask whether another holds it) keeps no other window from it."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QLockFile

from malariascope.gui import folder_lock

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 60_000
SAFETY_S = 10  # a hung let-go ends by then whatever happens, so no test hangs
#: Another process takes the data folder's lock as held_elsewhere does, says so, and lets it
#: go when told.
HOLD_FOR_A_MOMENT = """
import sys
import time
from pathlib import Path
from malariascope.gui.folder_lock import folder_lock
lock = folder_lock(Path(sys.argv[1]))
assert lock.tryLock(0)
print("held", flush=True)
sys.stdin.readline()
lock.unlock()
"""


@contextlib.contextmanager
def held_by_a_process(script: str, *args: str) -> Iterator[Callable[[], None]]:
    """Another process running ``script`` with ``args``, once it says it holds its lock
    ("held"); gives the call that has it let go (a line on its stdin) and waits for its
    end."""
    holder = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def let_go() -> None:
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=WAIT_MS / 1000) == 0

    try:
        assert holder.stdout.readline() == "held\n"
        yield let_go
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_window_starting_while_another_holds_the_lock_a_moment_autosaves(make_window,
                                                                         qtbot, data_folder):
    """A window without autosave asks whether the folder is held by taking its lock for a
    moment; a window starting at that moment found it held, and ran without autosave for
    its whole life."""
    window = make_window(start=False)
    offs: list[str] = []
    window.autosave.off.connect(offs.append)
    with held_by_a_process(HOLD_FOR_A_MOMENT, str(data_folder)) as let_go:
        window.autosave.resume()
        let_go()  # the moment ends
    qtbot.waitUntil(lambda: window.autosave.register is not None or bool(offs),
                    timeout=WAIT_MS)
    assert offs == [] and window.autosave.register is not None


def test_a_window_taking_its_lock_does_not_see_it_as_another_windows(make_window, qtbot,
                                                                     data_folder):
    """Between autosave's worker taking the data folder's lock and the window learning it
    had, the window asked whether another window works there (Sign with autosave off does)
    and found its own lock held: a case signed in that moment was saved as a guest's."""
    window = make_window(start=False)
    window.autosave.resume()
    lock_file = data_folder / "session.lock"
    for _ in range(WAIT_MS // 10):  # the UI thread waits: the window does not learn of it
        if lock_file.exists():
            break
        time.sleep(0.01)
    assert lock_file.exists() and window.autosave.start.lock is None
    assert not window.autosave.another_works()
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    assert not window.autosave.another_works()


def test_a_closing_window_lets_go_of_the_folders_lock_off_the_ui_thread(make_window, qtbot,
                                                                        data_folder,
                                                                        monkeypatch):
    """A window let go of the data folder's lock on the UI thread as it closed: a data folder
    on a network mount that hung froze the window there. It closes, its last writes done,
    while the lock file is let go in a worker."""
    reached, gate, ended = threading.Event(), threading.Event(), threading.Event()

    class Hung(QLockFile):  # the real lock, whose let-go waits as on a hung mount
        def unlock(self) -> None:
            reached.set()
            gate.wait(SAFETY_S)
            super().unlock()
            ended.set()

    monkeypatch.setattr(folder_lock, "QLockFile", Hung)
    window = make_window(start=False)
    window.autosave.resume()
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    lock_file = data_folder / "session.lock"
    try:
        assert window.close()
        assert not ended.is_set() and lock_file.exists()  # closed while the let-go hangs
        qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not lock_file.exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
