"""The gallery in the real window with the real model, driven by keys and clicks as a
technician would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import PROB, THUMB
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder, write_broken_files

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def cells(tmp_path):
    """24 generated cells (half of them parasitized) and unreadable files."""
    folder = tmp_path / "cells"
    make_cell_folder(folder, 24)
    write_broken_files(folder / "broken")
    return folder


def _gallery(window, qtbot):
    """The window's gallery, shown with the G key and holding the keys."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    assert window.lists.gallery_shown() and window.actions.gallery.isChecked()
    window.gallery.setFocus()
    return window.gallery


def _click(gallery, qtbot, at: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Click the tile shown at ``at`` (view order)."""
    rect = gallery.visualRect(gallery.model().index(at, THUMB))
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _shown(window) -> list[int]:
    proxy = window.proxy
    return [proxy.source_row(at) for at in range(proxy.rowCount())]


def test_the_gallery_shows_the_tables_rows_highest_p_first_and_zooms(window, qtbot, cells):
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    probabilities = [batch.results[row].probability for row in shown if batch.results[row].ok]
    assert probabilities == sorted(probabilities, reverse=True)
    assert window.table.horizontalHeader().sortIndicatorSection() == PROB
    top = shown[0]
    assert gallery.itemDelegate().caption(top) == f"{batch.results[top].probability:.3f}"
    window.set_filter(Filter.PARASITIZED)  # the table's filters apply
    assert gallery.model().rowCount() == batch.counts.parasitized

    def wheel(notches: int) -> None:
        centre = QPointF(gallery.viewport().rect().center())
        event = QWheelEvent(centre, gallery.viewport().mapToGlobal(centre), QPoint(),
                            QPoint(0, 120 * notches), Qt.MouseButton.NoButton, CTRL,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(gallery.viewport(), event)

    assert gallery.thumb_size() == 96
    wheel(1)
    assert gallery.thumb_size() == 128
    tile = gallery.visualRect(gallery.model().index(0, THUMB))
    assert tile.width() > 128
    for _ in range(4):
        wheel(-1)
    assert gallery.thumb_size() == 64  # the smallest step, however far the wheel turns
    qtbot.waitUntil(lambda: gallery.thumbnails.get(top, batch.results[top]) is not None)
    assert gallery.thumbnails.get(top, batch.results[top]).width() <= 64
