"""Where the cell list stands as cells stream into a list sorted by P, highest first, in the
real window at a laptop's size: at the top, the most suspicious cell selected, when nobody
moved in it during the screening; where the technician left it when they did."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.pipeline import screen
from malariascope.core.screening import BATCH_SIZE
from malariascope.gui.results_table import PROB, SORT_ROLE
from tests.gui.helpers import resize_window, screen_and_wait, turn_wheel
from tests.images import make_cell, write_rgb

LAPTOP = (1366, 768)
HEALTHY, SICK = BATCH_SIZE + 16, 30  # the first inference batch holds healthy cells only


@pytest.fixture
def slide(tmp_path: Path) -> Path:
    """Healthy cells first in file order, as on most slides, then parasitized ones: these
    arrive after the list has selected its first row, and sort above it."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for i in range(HEALTHY):
        write_rgb(folder / f"a_{i}.png", make_cell(seed=i))
    for i in range(SICK):
        write_rgb(folder / f"b_{i}.png", make_cell(parasitized=True, seed=100 + i))
    return folder


@pytest.fixture
def later(tmp_path: Path) -> list[Path]:
    """Parasitized cells to stream into a slide already on show."""
    folder = tmp_path / "later"
    folder.mkdir()
    return [write_rgb(folder / f"later_{i}.png", make_cell(parasitized=True, seed=200 + i))
            for i in range(SICK)]


def _top_p(window) -> float:
    return max(result.probability for result in window.batch.results if result.ok)


def _p(index) -> float:
    return index.siblingAtColumn(PROB).data(SORT_ROLE)


@pytest.mark.parametrize("gallery", [False, True], ids=["table", "gallery"])
def test_an_untouched_list_sorted_by_p_ends_a_screening_at_its_top(window, qtbot, slide,
                                                                   gallery):
    """The list kept the first cell it selected in place while higher ones arrived above
    it, and showed the middle of the list when the screening ended."""
    resize_window(window, qtbot, *LAPTOP)
    if gallery:
        window.actions.gallery.setChecked(True)  # sorted by P, highest first
    else:
        window.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)
    screen_and_wait(window, qtbot, [slide])
    table, view = window.table, window.lists.currentWidget()
    assert len(window.batch) == HEALTHY + SICK
    assert table.currentIndex().row() == 0 and _p(table.currentIndex()) == _top_p(window)
    assert view.verticalScrollBar().value() == 0
    assert view.indexAt(QPoint(2, 2)).row() == 0  # the top row shows, whole
    assert window.table.selectionModel().selectedRows() == [window.proxy.index(0, 0)]
    assert QApplication.focusWidget() is view  # P, U and Space review the top cell


def _first_screened(window, qtbot, tmp_path: Path) -> None:
    """A healthy slide screened in a list sorted by P, highest first, at a laptop's size."""
    folder = tmp_path / "first"
    folder.mkdir()
    for i in range(HEALTHY):
        write_rgb(folder / f"cell_{i}.png", make_cell(seed=i))
    resize_window(window, qtbot, *LAPTOP)
    window.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)
    screen_and_wait(window, qtbot, [folder])


def _stream(window, paths: list[Path]) -> None:
    window.batch.extend(screen(paths, window.controller.classifier))  # as screening does


def test_the_untouched_top_row_gives_way_to_higher_cells_streaming_in(window, qtbot, tmp_path,
                                                                      later):
    _first_screened(window, qtbot, tmp_path)
    table = window.table
    first = table.current_source_row()
    _stream(window, later)
    assert table.current_source_row() != first
    assert table.currentIndex().row() == 0 and _p(table.currentIndex()) == _top_p(window)
    assert table.verticalScrollBar().value() == 0


def test_the_row_the_technician_moved_to_keeps_its_place(window, qtbot, tmp_path, later):
    _first_screened(window, qtbot, tmp_path)
    table = window.table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    chosen, y = table.current_source_row(), table.visualRect(table.currentIndex()).y()
    _stream(window, later)
    assert table.current_source_row() == chosen and table.currentIndex().row() > 1
    assert table.visualRect(table.currentIndex()).y() == y


def test_a_click_on_the_top_row_keeps_it_selected(window, qtbot, tmp_path, later):
    _first_screened(window, qtbot, tmp_path)
    table = window.table
    first = table.current_source_row()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.currentIndex()).center())
    _stream(window, later)
    assert table.current_source_row() == first and table.currentIndex().row() > 0


def test_rows_the_technician_scrolled_to_stay_in_view(window, qtbot, tmp_path, later):
    """Rows streaming in above a list scrolled away from its selected row moved the rows in
    view down, under the technician's eyes."""
    _first_screened(window, qtbot, tmp_path)
    table = window.table
    first = table.current_source_row()
    turn_wheel(table.viewport(), -5)
    top = table.rowAt(0)
    assert top > 0 and not table.visualRect(table.currentIndex()).intersects(
        table.viewport().rect())
    shown = window.proxy.source_row(top)
    _stream(window, later)
    assert window.proxy.source_row(table.rowAt(0)) == shown  # not yanked to the top
    assert table.current_source_row() == first


def test_a_scroll_of_the_gallery_keeps_its_tiles_and_the_selection(window, qtbot, tmp_path,
                                                                   later):
    _first_screened(window, qtbot, tmp_path)
    window.actions.gallery.setChecked(True)
    gallery, table = window.gallery, window.table
    first = table.current_source_row()
    qtbot.waitUntil(lambda: gallery.verticalScrollBar().maximum() > 0)
    turn_wheel(gallery.viewport(), -2)
    scrolled = gallery.verticalScrollBar().value()
    assert scrolled > 0
    _stream(window, later)
    assert table.current_source_row() == first and table.currentIndex().row() > 0
    assert gallery.verticalScrollBar().value() >= scrolled  # not yanked to the top


def test_a_review_in_the_queue_keeps_the_next_cell_as_cells_stream_in(window, qtbot, tmp_path,
                                                                       later):
    """A keyboard review in the queue took the reviewed top cell out, the next became current
    without a move being seen, and cells streaming in then took the selection off the cell
    being read: the next P landed on a cell shown between two chunks."""
    _first_screened(window, qtbot, tmp_path)
    window.batch.set_threshold(0.01)  # every healthy cell flagged: a long queue
    window.show_queue()
    assert window.proxy.rowCount() > 2
    qtbot.keyClick(window.lists, Qt.Key.Key_P)
    reading = window.table.current_source_row()
    _stream(window, later)
    assert window.table.current_source_row() == reading


def test_a_scrolled_gallery_keeps_its_tiles_in_view(window, qtbot, tmp_path, later):
    """Only the table kept its rows in view: in a gallery scrolled down, cells streaming in
    above pushed every tile in sight down and out of it. The first tile in sight keeps its
    height (its column may change, as the rows of the grid refill)."""
    _first_screened(window, qtbot, tmp_path)
    window.actions.gallery.setChecked(True)
    gallery, proxy = window.gallery, window.proxy
    qtbot.waitUntil(lambda: gallery.verticalScrollBar().maximum() > 0)
    turn_wheel(gallery.viewport(), -2)
    first = gallery.visible_source_rows()[0]

    def top() -> int:
        return gallery.visualRect(proxy.mapFromSource(proxy.sourceModel().index(first, 0))).top()

    before = top()
    _stream(window, later)
    assert top() == before and first in gallery.visible_source_rows()
