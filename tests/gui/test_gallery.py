"""The gallery and the review queue in the real window with the real model, driven by keys
and clicks as a technician would: many cells reviewed at once, undone, redone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import PROB, THUMB
from tests.gui.helpers import (
    field_pane_laid_out,
    screen_and_wait,
    turn_wheel,
)
from tests.images import make_cell, make_cell_folder, write_broken_files, write_field, write_rgb

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
    caption = gallery.itemDelegate().caption(top).split()
    assert caption[0] == f"{batch.results[top].probability:.3f}"
    window.set_filter(Filter.PARASITIZED)  # the table's filters apply
    assert gallery.model().rowCount() == batch.counts.parasitized

    assert gallery.thumb_size() == 96
    turn_wheel(gallery.viewport(), 1, ctrl=True)
    assert gallery.thumb_size() == 128
    tile = gallery.visualRect(gallery.model().index(0, THUMB))
    assert tile.width() > 128
    for _ in range(4):
        turn_wheel(gallery.viewport(), -1, ctrl=True)
    assert gallery.thumb_size() == 64  # the smallest step, however far the wheel turns
    qtbot.waitUntil(lambda: gallery.thumbnails.get(top, batch.results[top]) is not None)
    assert gallery.thumbnails.get(top, batch.results[top]).width() <= 64


def test_selected_cells_are_reviewed_in_one_step_undone_and_redone(window, qtbot, cells):
    screen_and_wait(window, qtbot, [cells])
    batch, actions = window.batch, window.actions
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    _click(gallery, qtbot, 0)
    _click(gallery, qtbot, 3, SHIFT)
    _click(gallery, qtbot, 5, CTRL)
    chosen = shown[:4] + [shown[5]]
    assert gallery.selected_source_rows() == chosen
    assert sorted(window.proxy.source_row(i.row())  # the table shows the same selection
                  for i in window.table.selectionModel().selectedRows()) == sorted(chosen)
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert [batch.final_call(row) for row in chosen] == ["uninfected"] * 5
    assert batch.counts.reviewed == 5
    assert actions.undo.text() == "Un&do uninfected on 5 cells"

    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)
    assert batch.counts.reviewed == 0 and all(batch.decision(row) is None for row in chosen)
    assert gallery.selected_source_rows() == chosen  # what was undone is selected again
    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL | SHIFT)
    assert batch.counts.reviewed == 5 and not actions.redo.isEnabled()

    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(gallery, Qt.Key.Key_Space)  # confirm every cell with a call
    assert batch.counts.reviewed == batch.counts.classified
    assert all(batch.review(row) == "confirmed" for row in shown
               if batch.results[row].ok and row not in chosen)
    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)  # one step back: the five before it stay
    assert batch.counts.reviewed == 5

    qtbot.keyClick(gallery, Qt.Key.Key_G)  # the table's keys go through the same history
    table = window.table
    assert table.hasFocus()
    row = next(row for row in shown if batch.results[row].ok and row not in chosen)
    table.select_source_row(row)
    qtbot.keyClick(table, Qt.Key.Key_P)
    assert batch.final_call(row) == "parasitized" and table.current_source_row() != row
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert batch.decision(row) is None and table.current_source_row() == row
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert batch.counts.reviewed == 0


def test_an_arrow_after_a_review_moves_on_from_the_next_cell_not_the_first(window, qtbot,
                                                                          cells):
    """A review moves on through the table, which makes its File column current; from there
    the gallery's Down went to the first tile."""
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    _click(gallery, qtbot, 10)
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert gallery.currentIndex().row() == 11
    tile = gallery.visualRect(gallery.model().index(11, THUMB))
    below = gallery.indexAt(tile.center() + QPoint(0, tile.height() + gallery.spacing()))
    qtbot.keyClick(gallery, Qt.Key.Key_Down)
    assert gallery.currentIndex().row() == below.row() > 11


def test_gallery_table_detail_and_field_view_share_one_selection(window, qtbot, tmp_path):
    folder = tmp_path / "smear"
    folder.mkdir()
    write_rgb(folder / "cell.png", make_cell(seed=3))
    field = write_field(folder / "field.png")[0]
    screen_and_wait(window, qtbot, [folder])
    window.table.select_source_row(window.batch.field_rows(field)[0])  # the field shows
    total = sum(field_pane_laid_out(window, qtbot))
    window.central.list_and_field.setSizes([total // 2, total - total // 2])  # as dragged
    split = window.central.list_and_field.sizes()
    gallery = _gallery(window, qtbot)
    qtbot.waitUntil(lambda: window.central.list_and_field.sizes() != split)
    gallery_split = window.central.list_and_field.sizes()
    assert gallery_split[0] > split[0] and gallery_split[1] < split[1]  # tall tiles get room
    rows = window.batch.field_rows(field)
    target = rows[len(rows) // 2]
    at = _shown(window).index(target)
    _click(gallery, qtbot, at)
    assert window.table.current_source_row() == target
    assert window.detail.current_row() == target == window.field_view.current_row()
    other = next(row for row in rows if row != target)
    window.field_view.cell_clicked.emit(other)  # as a click on its outline does
    assert gallery.selected_source_rows() == [other] == [window.table.current_source_row()]
    index = window.proxy.index(_shown(window).index(other), THUMB)
    assert gallery.viewport().rect().intersects(gallery.visualRect(index))
    window.table.select_source_row(target)  # the table's selection shows in the gallery
    assert gallery.selected_source_rows() == [target]
    window.actions.gallery.trigger()  # the table gets its own split back
    assert window.central.list_and_field.sizes() == split
    window.actions.gallery.trigger()

    rect = gallery.visualRect(window.proxy.index(at, THUMB))
    qtbot.mouseDClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    cell = window.cell_window
    qtbot.waitUntil(lambda: cell.isVisible())
    assert cell.detail.current_row() == target
    assert cell.width() > window.detail.width()


def test_fields_are_decoded_once_for_their_cells_within_a_memory_bound(tmp_path, monkeypatch):
    """A gallery sorted by P shows cells of many fields side by side; with one field kept,
    each cell's thumbnail decoded its whole field again."""
    from malariascope.gui import thumbnails

    paths = [write_field(tmp_path / f"field{i}.png", seed=i)[0] for i in range(3)]
    thumbnails.forget_fields()
    first = [thumbnails.read_field(path) for path in paths]
    assert [thumbnails.read_field(path) is image for path, image in zip(paths, first,
                                                                         strict=True)] == [True] * 3
    monkeypatch.setattr(thumbnails, "FIELD_CACHE_BYTES", first[0].nbytes)  # room for one
    thumbnails.forget_fields()
    one, two = (thumbnails.read_field(path) for path in paths[:2])
    assert thumbnails.read_field(paths[1]) is two  # the last read is always kept
    assert thumbnails.read_field(paths[0]) is not one  # the other went
    thumbnails.forget_fields()


def test_an_undo_on_a_cell_the_filter_hides_names_it_in_the_status_bar(window, qtbot, cells):
    screen_and_wait(window, qtbot, [cells])
    batch, table = window.batch, window.table
    row = next(row for row in range(len(batch)) if batch.call(row) == "parasitized")
    table.select_source_row(row)
    qtbot.keyClick(table, Qt.Key.Key_P)
    assert batch.review(row) == "confirmed"
    window.set_filter(Filter.UNINFECTED)  # the cell reviewed is no longer listed
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, CTRL)
    assert batch.decision(row) is None
    name = window.table.proxy().sourceModel().name(row)
    assert window.status.currentMessage() == (
        f"Undone on a cell the filter hides: {name} (Ctrl+1 shows all cells)")
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, CTRL | SHIFT)
    assert batch.review(row) == "confirmed"
    assert window.status.currentMessage().startswith("Redone on a cell the filter hides")
