"""The gallery keeps the selected cell in sight, so the review keys act on a cell the
technician sees: as it opens, as a review moves on, as an undo or redo selects."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_table import THUMB
from tests.gui.helpers import with_healthy_cells_uncertain
from tests.images import make_cell_folder

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def many_cells(tmp_path_factory):
    """300 generated cells: many more tiles than a gallery shows at once."""
    folder = tmp_path_factory.mktemp("many")
    make_cell_folder(folder, 300)
    return folder


def _in_sight(gallery) -> bool:
    """True when the current tile lies whole inside the gallery's viewport."""
    QApplication.processEvents()
    rect = gallery.visualRect(gallery.currentIndex().siblingAtColumn(THUMB))
    return rect.isValid() and gallery.viewport().rect().contains(rect)


def test_g_opens_the_gallery_on_a_selected_cell_far_down_and_reviews_keep_it(window, qtbot,
                                                                             many_cells):
    batch = with_healthy_cells_uncertain(window, qtbot, many_cells)
    table = window.table
    window.lists.sort_by_probability()
    qtbot.keyClick(table, Qt.Key.Key_7, CTRL)  # the review queue's cells
    for key in (Qt.Key.Key_End, Qt.Key.Key_Up, Qt.Key.Key_Up):
        qtbot.keyClick(table, key)
    chosen = table.current_source_row()
    qtbot.keyClick(table, Qt.Key.Key_G)
    gallery = window.gallery
    assert window.lists.gallery_shown() and gallery.hasFocus()
    assert table.current_source_row() == chosen
    assert _in_sight(gallery)
    for _ in range(3):
        shown = table.current_source_row()
        qtbot.keyClick(gallery, Qt.Key.Key_Space)
        assert batch.decision(shown) is not None
        assert _in_sight(gallery)


def test_each_review_undo_and_redo_keeps_the_selected_tile_in_sight(window, qtbot, many_cells):
    batch = with_healthy_cells_uncertain(window, qtbot, many_cells)
    qtbot.keyClick(window.table, Qt.Key.Key_G)
    gallery = window.gallery
    window.table.select_source_row(window.proxy.source_row(250))
    assert _in_sight(gallery)
    model, area = gallery.model(), gallery.viewport().rect()
    last = max(at for at in range(model.rowCount())
               if area.contains(gallery.visualRect(model.index(at, THUMB))))
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0),
                     gallery.visualRect(model.index(last, THUMB)).center())
    for _ in range(10):  # on past the view's last row of tiles
        qtbot.keyClick(gallery, Qt.Key.Key_Space)
        assert _in_sight(gallery)
    assert gallery.currentIndex().row() == last + 10
    for _ in range(10):
        qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)
        assert _in_sight(gallery)
    assert gallery.currentIndex().row() == last and batch.counts.reviewed == 0
    for _ in range(10):
        qtbot.keyClick(gallery, Qt.Key.Key_Y, CTRL)  # redo
        assert _in_sight(gallery)
