"""Closing the window leaves no worker of its own behind: the data folder's lock is let go in
a thread of the pool that answers nothing, so no signal of it reaches a window, or an
interpreter, that is gone ("Signal source has been deleted")."""

from __future__ import annotations

from pathlib import Path

WAIT_MS = 60_000


def test_closing_leaves_no_worker_to_answer_the_window(make_window, qtbot,
                                                       data_folder: Path):
    window = make_window()
    window.autosave.resume()
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    lock_file = data_folder / "session.lock"
    assert lock_file.exists()
    window.batch.unsaved = False
    assert window.close()
    assert len(window.controller.workers) == 0  # none to answer into the window closed
    qtbot.waitUntil(lambda: not lock_file.exists(), timeout=WAIT_MS)  # let go all the same
