"""Work restored after a crash opens as the technician left it: the review queue's filter,
its sort and its gallery, the cursor on the next cell of that queue."""

from __future__ import annotations

from PySide6.QtCore import Qt

from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.gui.app import start
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import PROB
from tests.gui.helpers import MODEL_TIMEOUT_MS, close_window, restore_at_start, screen_and_wait
from tests.images import make_cell_folder

WAIT_MS = 60_000


def _view(window) -> tuple:
    header = window.table.horizontalHeader()
    shown = next(mode for mode, action in window.actions.filters.items() if action.isChecked())
    return (shown, window.proxy.rowCount(), header.sortIndicatorSection(),
            header.sortIndicatorOrder(), window.lists.gallery_shown())


def test_a_restore_reopens_the_queue_sorted_by_p_on_its_next_cell(make_window, qtbot, tmp_path,
                                                                 data_folder):
    """A restore opened every cell in file order, the cursor after the last cell reviewed
    in that order: not the next cell of the queue the technician was working through."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.work is not None, timeout=WAIT_MS)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 24)[0].parent])
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Q)  # the queue, highest P first
    for _ in range(2):
        qtbot.keyClick(window.gallery, Qt.Key.Key_Space)
    left = _view(window)
    assert left[0] is Filter.TO_REVIEW and left[2] == PROB and left[4]
    cursor = window.table.current_source_row()
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    with Register(data_folder) as register:
        session = CaseWork(register).load()
    close_window(window, qtbot)
    with Register(data_folder) as register:  # as a crash leaves it: a quit gives it up
        CaseWork(register).save(session)

    restored = restore_at_start(make_window, qtbot)
    assert restored.batch.counts.reviewed == 2
    assert _view(restored) == left
    assert restored.table.current_source_row() == cursor
    assert restored.gallery.currentIndex().row() == 0  # the queue's top: its next cell
