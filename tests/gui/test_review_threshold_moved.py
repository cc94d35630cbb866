"""A review keeps what the technician did at the threshold they saw: in the real window with
real cells, a call confirmed at one threshold still reads as confirmed, in the list, the
gallery and the printed report, once the threshold moves across the cell's probability."""

from __future__ import annotations

import math
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_table import REVIEW
from tests.gui.helpers import screen_and_wait
from tests.reports import read_pdf


def test_a_call_confirmed_at_one_threshold_is_not_overridden_at_another(window, qtbot,
                                                                        tmp_path, real_cells):
    folder = tmp_path / "sample"
    folder.mkdir()
    for path in real_cells["parasitized"][:6] + real_cells["uninfected"][:6]:
        shutil.copy(path, folder / path.name)
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    threshold = batch.facts.rule.threshold
    # the cell nearest the threshold, which a small move of it calls the other way
    row = min(range(len(batch.results)),
              key=lambda r: abs(batch.results[r].probability - threshold))
    p = batch.results[row].probability
    seen = batch.call(row)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    window.table.select_source_row(row)
    qtbot.keyClick(window.table, Qt.Key.Key_Space)  # confirms the call on screen
    assert batch.final_call(row) == seen and batch.review(row) == "confirmed"

    # a threshold on the cell's other side, to the spin box's three decimals
    moved = math.floor(p * 1000) / 1000 if p < threshold else math.floor(p * 1000 + 1) / 1000
    window.controls.threshold.spin.setValue(moved)
    assert batch.call(row) != seen  # the model calls the cell the other way now
    assert batch.final_call(row) == seen and batch.review(row) == "confirmed"
    assert window.proxy.index(window.proxy.mapFromSource(
        window.proxy.sourceModel().index(row, REVIEW)).row(), REVIEW).data() == "✓ confirmed"
    caption = window.gallery.itemDelegate().caption(row)
    assert caption.endswith("✓ confirmed") and "overridden" not in caption

    pdf = tmp_path / "case.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    text = " ".join(read_pdf(pdf)[1].split())
    assert "overridden" not in text
    assert "Parasitized by the model, uninfected by the reviewer" not in text
