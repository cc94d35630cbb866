"""The status bar of the real window at its opening size (1280 wide): a message is read whole
beside the lasting marks, and the unlike mark belongs to the cells on show."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SHARED_DATA

FIELDS = SHARED_DATA / "fields"
UNLIKE_FIELDS = ("PA171702.JPG", "PA171703.JPG", "PA171705.JPG", "PA171706.JPG")

pytestmark = pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")


def _fields(folder, names):
    folder.mkdir()
    for name in names:
        shutil.copy(FIELDS / name, folder / name)
    return folder


def test_a_cancel_message_is_not_cut_off_by_the_partial_and_unlike_marks(window, qtbot,
                                                                          tmp_path):
    window.open_paths([_fields(tmp_path / "fields", UNLIKE_FIELDS)])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=120_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000) as blocker:
        window.status.task_status.cancel_button.click()
    assert not blocker.args[1]
    status = window.status
    assert window.width() == 1280
    assert status.partial_label.isVisible() and status.unlike_label.isVisible()
    text = status.currentMessage()
    assert text.startswith("Screening cancelled after") and text.endswith("holds only these")
    marks = [mark for mark in (status.partial_label, status.task_status, status.unlike_label,
                               status.model_label) if mark.isVisible()]
    qtbot.waitUntil(lambda: all(mark.width() >= mark.sizeHint().width() for mark in marks))
    room = min(mark.x() for mark in marks)  # the message has the bar left of the marks
    assert status.fontMetrics().horizontalAdvance(text) < room
    label = status.message_label
    assert label.fontMetrics().horizontalAdvance(text) <= label.contentsRect().width()
    assert "not screened" in status.partial_label.toolTip()  # the figures the marks leave out
    assert "adapt" in status.unlike_label.toolTip()
