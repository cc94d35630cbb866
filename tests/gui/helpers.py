"""Helpers of the GUI tests (fixtures are in ``conftest.py``)."""

from __future__ import annotations

MODEL_TIMEOUT_MS = 60_000
SCREEN_TIMEOUT_MS = 120_000


def close_window(window, qtbot) -> None:
    """Close without the unsaved-reviews question; the window waits for its workers."""
    window.batch.unsaved = False
    window.close()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=30_000)
    assert window.table_model.thumbnails.active() == 0


def screen_and_wait(window, qtbot, paths, timeout: int = SCREEN_TIMEOUT_MS) -> None:
    """Open ``paths`` in ``window`` and wait until the batch is screened completely."""
    with qtbot.waitSignal(window.controller.screening_finished, timeout=timeout) as blocker:
        assert window.open_paths(paths)
    assert blocker.args[1], "screening did not complete"
