"""The lock beside a file being written: one holder at a time, free as soon as it is let go."""

from __future__ import annotations

from malariascope.core.lockfile import TargetLock, lock_path


def test_a_released_lock_is_free_at_once_for_the_next_run(tmp_path):
    """Windows frees a lock on a closed file only in its own time, so the lock is undone before
    its file is closed; two runs taking turns never find the target busy."""
    target = tmp_path / "report.csv"
    first, second = TargetLock(target), TargetLock(target)
    for _ in range(200):
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
    assert not lock_path(target).exists()

