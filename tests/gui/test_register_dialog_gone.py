"""The register dialog deleted while a read of its list is on its way: the answer is dropped,
never handed to widgets that are gone."""

from __future__ import annotations

import threading

import shiboken6

from malariascope.core.register import Register
from tests.gui.test_register_dialog import WAIT_MS
from tests.gui.test_register_table import _register_of_started_window


def test_a_page_read_answering_after_the_dialog_was_deleted_touches_nothing_of_it(
        make_window, qtbot, monkeypatch):
    """A window closed while its register dialog refreshed: the read failed on the closed
    register and its answer reached the deleted dialog, "Internal C++ object (QPushButton)
    already deleted" in the event loop."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    asked, answer = threading.Event(), threading.Event()
    page = Register.page

    def held_page(register, *args, **kwargs):
        asked.set()
        answer.wait(WAIT_MS / 1000)
        raise RuntimeError("the register was closed")

    monkeypatch.setattr(Register, "page", held_page)
    dialog.refresh()
    qtbot.waitUntil(asked.is_set, timeout=WAIT_MS)
    workers = dialog.workers
    shiboken6.delete(dialog)
    answer.set()
    qtbot.waitUntil(lambda: len(workers) == 0, timeout=WAIT_MS)
    monkeypatch.setattr(Register, "page", page)
    assert not shiboken6.isValid(dialog) and window.isVisible()
