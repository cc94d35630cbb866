"""The lock beside a file being written: one holder at a time, free as soon as it is let go."""

from __future__ import annotations

import sys

import pytest

from malariascope.core.errors import ReportError
from malariascope.core.lockfile import TargetLock, lock_path, lock_targets


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



@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need a privilege on Windows")
def test_a_symlink_planted_at_the_lock_s_name_is_not_followed(tmp_path):
    """In a folder others can write (a shared lab folder), a symlink at the lock's name made
    the writer create a file wherever it pointed, with the writer's rights: as root, an empty
    /etc/nologin would stop every other login."""
    target = tmp_path / "report.csv"
    elsewhere = tmp_path / "elsewhere"
    lock_path(target).symlink_to(elsewhere)
    with pytest.raises(ReportError, match=f"cannot write {target}"):
        lock_targets([target])
    assert not elsewhere.exists() and lock_path(target).is_symlink()
