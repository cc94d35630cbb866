"""Quitting the window while it adapts the model to a lab's real fields."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QThreadPool

from tests.conftest import SHARED_DATA
from tests.gui.helpers import MODEL_TIMEOUT_MS, close_window
from tests.gui.test_model_menu import _watch_progress

FIELDS = SHARED_DATA / "fields"


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_quitting_while_adapting_stops_the_adaptation_and_writes_nothing(window, qtbot,
                                                                         tmp_path):
    """Quit asked the adaptation's worker to stop, which it never looked at: the window hung
    for its 30 s wait, then went, and the model was written after it had gone."""
    fields = shutil.copytree(FIELDS, tmp_path / "fields")
    out = tmp_path / "lab-model"
    window.models.adapt([fields], None, out)
    seen = _watch_progress(window)
    qtbot.waitUntil(lambda: bool(seen), timeout=5 * MODEL_TIMEOUT_MS)  # reading the fields
    assert window.controller.shutdown()  # as Quit does: every worker stopped, none left
    close_window(window, qtbot)
    QThreadPool.globalInstance().waitForDone()
    assert not out.exists()
