"""Each review reaches the register as it is pressed, in order, however fast the keys come.

How long a review holds the window is measured by ``benchmarks/gui_big_batch.py``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.gui.app import start
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.images import make_cell_folder

CELLS = 200


def test_space_held_over_200_cells_saves_every_review_in_order(
        window, qtbot, tmp_path, data_folder):
    make_cell_folder(tmp_path / "cells", CELLS)
    start(window, [tmp_path / "cells"])  # as the app starts: autosave on
    qtbot.waitUntil(lambda: len(window.batch) == CELLS and not window.controller.screening
                    and window.autosave.work is not None and writes_done(window),
                    timeout=WAIT_MS)
    window.table.select_source_row(0)
    for _ in range(CELLS):  # each press, then all it set off on the UI thread (the save's start)
        qtbot.keyClick(window.table, Qt.Key.Key_Space)
        QApplication.processEvents()
    history = window.batch.history
    assert len({decision.row for decision in history}) == CELLS
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        saved = CaseWork(register).load()
    assert saved.decisions == history  # every review, in the order pressed
