"""The cell list's filters and sorting in the real window with the real model: which row is
selected and shown as rows stream in, filters change and reviews drop rows from a filter."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import FILE, FINAL, PROB
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    _column,
    _current_row,
    _first_ok,
    _natural,
    screen_and_wait,
)
from tests.images import (
    make_cell,
    make_cell_folder,
    named_png,
    write_broken_files,
    write_rgb,
)


def test_filters_and_sorting(window, qtbot, mixed_folder):
    folder, reasons = mixed_folder
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    assert batch.confirm(_first_ok(batch))
    expected = {
        Filter.ERRORS: len(reasons),
        Filter.PARASITIZED: batch.counts.parasitized,
        Filter.UNINFECTED: batch.counts.uninfected,
        Filter.UNCERTAIN: batch.counts.uncertain,
        Filter.UNREVIEWED: len(batch) - len(reasons) - 1,
        Filter.ALL: len(batch),
    }
    for mode, count in expected.items():
        window.actions.filters[mode].trigger()
        assert window.proxy.rowCount() == count, mode
    window.set_filter(Filter.PARASITIZED)
    assert set(_column(window, FINAL)) <= {"parasitized"}
    window.set_filter(Filter.ALL)
    window.table.sortByColumn(PROB, Qt.SortOrder.AscendingOrder)
    shown = [float(text) for text in _column(window, PROB) if text]
    assert shown == sorted(shown)
    window.table.sortByColumn(FILE, Qt.SortOrder.AscendingOrder)
    assert _column(window, FILE)[0] == f"broken/{batch.results[0].path.name}"


def test_the_selected_row_stays_in_view_when_the_filter_changes(window, qtbot, tmp_path):
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 60)[0].parent])
    table, batch = window.table, window.batch

    def current_row_in_view() -> bool:
        return table.visualRect(table.currentIndex()).intersects(table.viewport().rect())

    for row in range(20):
        assert batch.confirm(row)
    table.select_source_row(0)
    window.set_filter(Filter.UNREVIEWED)  # hides the selected row and the 19 below it
    assert _current_row(window) == 20 and current_row_in_view()
    table.select_source_row(len(batch) - 1)  # the last row: the list scrolls down
    window.set_filter(Filter.ALL)
    assert _current_row(window) == len(batch) - 1 and current_row_in_view()
    for column, order in ((PROB, Qt.SortOrder.DescendingOrder), (FILE, Qt.SortOrder.AscendingOrder),
                          (PROB, Qt.SortOrder.AscendingOrder)):
        table.sortByColumn(column, order)  # the selection stays on its cell, and in view
        assert _current_row(window) == len(batch) - 1 and current_row_in_view(), column


def test_rows_streaming_into_a_sorted_list_leave_the_selected_row_in_place(window, qtbot,
                                                                           tmp_path):
    """Rows arriving while the list is sorted take their places around the selected row,
    which stays where it was on screen (it used to be pushed out of sight)."""
    from malariascope.core.pipeline import screen

    first = make_cell_folder(tmp_path / "first", 60)
    later = make_cell_folder(tmp_path / "later", 60, prefix="later")
    screen_and_wait(window, qtbot, [tmp_path / "first"])
    view = window.table
    view.sortByColumn(PROB, Qt.SortOrder.AscendingOrder)
    view.setCurrentIndex(window.proxy.index(20, FILE))
    view.scrollTo(view.currentIndex(), view.ScrollHint.PositionAtCenter)
    selected, y = view.current_source_row(), view.visualRect(view.currentIndex()).y()
    window.batch.extend(screen(later, window.controller.classifier))  # as screening does
    assert window.proxy.rowCount() == len(first) + len(later)
    assert view.current_source_row() == selected and view.currentIndex().row() > 20
    assert view.visualRect(view.currentIndex()).y() == y


def test_a_new_batch_under_a_filter_selects_the_first_row_shown(window, qtbot, tmp_path):
    make_cell_folder(tmp_path / "a_cells", 70)  # the first inference batch holds no error
    reasons = write_broken_files(tmp_path / "zz_broken")
    window.set_filter(Filter.ERRORS)
    screen_and_wait(window, qtbot, [tmp_path])
    assert window.proxy.rowCount() == len(reasons)
    assert window.table.currentIndex().row() == 0 and _current_row(window) == 70


def test_table_models_keep_qts_rules_while_rows_stream_in(window, qtbot, qtmodeltester,
                                                           big_folder):
    qtmodeltester.check(window.table_model)  # Qt's tester keeps watching every change
    qtmodeltester.check(window.proxy)
    window.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)
    window.set_filter(Filter.UNINFECTED)
    window.open_paths([big_folder])
    qtbot.waitUntil(lambda: len(window.batch) >= 200, timeout=60_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.controller.cancel()
    window.batch.confirm(_first_ok(window.batch))
    window.batch.set_threshold(0.9)
    window.set_filter(Filter.ALL)
    qtmodeltester.check(window.proxy)
    assert window.proxy.rowCount() == len(window.batch)
    proxy = window.proxy
    keys = [proxy.index(row, PROB).data(Qt.ItemDataRole.UserRole + 1)
            for row in range(proxy.rowCount())]
    assert keys == sorted(keys, reverse=True)  # rows that streamed in took their places
    top = [proxy.index(row, FILE).data() for row in range(proxy.rowCount()) if keys[row] == keys[0]]
    assert len(top) > 1 and top == sorted(top, key=_natural)  # ties stay in file order
    window.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # no sort: file order again
    assert [window.proxy.mapToSource(window.proxy.index(row, FILE)).row()
            for row in range(window.proxy.rowCount())] == list(range(len(window.batch)))


def test_review_advances_within_the_unreviewed_filter(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.set_filter(Filter.UNREVIEWED)
    first = _first_ok(window.batch)
    window.table.select_source_row(first)
    second = window.table.source_row_after(first)
    window.review_current("confirm")
    assert _current_row(window) == second
    assert window.proxy.rowCount() == len(window.batch) - len(cell_folder[1]) - 1


def test_when_the_filter_drops_the_selected_row_the_next_one_takes_its_place(window, qtbot,
                                                                             cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.set_filter(Filter.UNREVIEWED)
    first = _first_ok(window.batch)
    window.table.select_source_row(first)
    second = window.table.source_row_after(first)
    assert window.batch.confirm(first)  # reviewed elsewhere than the list (no key pressed)
    assert _current_row(window) == second == window.detail.current_row()
    for row in range(len(window.batch)):  # the list empties: nothing is selected any more
        window.batch.confirm(row)
    assert window.proxy.rowCount() == 0 and window.detail.current_row() is None
    assert not any(action.isEnabled() for action in window.actions.review)


def test_a_new_filter_selects_the_first_shown_row_after_the_selected_one(window, qtbot,
                                                                        cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    k = _first_ok(window.batch) + 2
    window.table.select_source_row(k)
    for row in (k - 1, k, k + 1):
        assert window.batch.confirm(row)
    window.set_filter(Filter.UNREVIEWED)
    assert _current_row(window) == k + 2 == window.detail.current_row()


def _ink(view) -> int:
    """The pixels of ``view``'s viewport unlike its background: what is drawn there."""
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
    background = view.viewport().palette().color(view.viewport().backgroundRole()).rgb()
    return int(np.count_nonzero(pixels != np.uint32(background)))


def test_an_emptied_review_queue_says_so_in_the_gallery_and_the_table(window, qtbot,
                                                                      tmp_path):
    """Once every flagged cell had a review, or none was flagged, the review queue was a
    blank gallery, and the table said only "No cells match the filter"."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 12)[0].parent])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_queue()
    gallery = window.gallery
    assert window.lists.gallery_shown() and window.proxy.rowCount() == 6
    gallery.setFocus()
    qtbot.keyClick(gallery, Qt.Key.Key_Question)  # one left for a second reader
    qtbot.keyClick(gallery, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(gallery, Qt.Key.Key_Space)
    assert window.proxy.rowCount() == 0 and _ink(gallery) > 0
    assert window.proxy.why_empty() == (
        "Nothing left to review: 1 flagged cell marked unsure waits for a second reader, "
        "and every other flagged cell has a reviewer's call")
    window.actions.gallery.trigger()  # the table says the same
    assert not window.lists.gallery_shown() and _ink(window.table) > 0
    window.batch.confirm(next(row for row in range(12) if window.batch.review(row) == "unsure"))
    assert window.proxy.why_empty() == (
        "Nothing left to review: every flagged cell has a reviewer's call")

    assert window.case_flow.new_case(ask=False)
    clean = tmp_path / "clean"
    clean.mkdir()
    for seed in range(4):
        write_rgb(clean / f"cell_{seed}.png", make_cell(seed=seed))
    screen_and_wait(window, qtbot, [clean])
    window.show_queue()
    assert window.proxy.rowCount() == 0 and _ink(gallery) > 0
    assert window.proxy.why_empty() == (
        "No cells flagged: the model called none of the 4 cells screened parasitized or "
        "uncertain")


def test_a_review_queue_of_unreadable_files_does_not_say_the_model_called_them(
        window, qtbot, tmp_path):
    """With only unreadable files, the empty queue said the model called none of the cells
    parasitized or uncertain, as of a clean slide."""
    write_broken_files(tmp_path / "broken")
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.open_paths([tmp_path / "broken"])
    assert len(window.batch) == 4 and window.batch.counts.classified == 0
    window.show_queue()
    assert window.proxy.rowCount() == 0
    assert window.proxy.why_empty() == "No cells to review: no image could be read (see Errors)"


def test_the_review_queue_says_how_many_cells_it_has_seen_while_a_slide_is_screened(
        window, qtbot, tmp_path):
    """While the first, clean, images were screened the empty queue said the model called
    none of the cells parasitized or uncertain; the flagged ones came later."""
    folder = tmp_path / "slide"
    folder.mkdir()
    clean = [write_rgb(tmp_path / f"clean_{seed}.png", make_cell(seed=seed))
             for seed in range(4)]
    for i in range(1200):
        (folder / f"a_{i}.png").write_bytes(named_png(clean[i % 4].read_bytes(), str(i)))
    for i in range(10):
        write_rgb(folder / f"z_{i}.png", make_cell(parasitized=True, seed=i))
    window.show_queue()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.open_paths([folder])
        qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=SCREEN_TIMEOUT_MS)
        assert window.controller.screening and window.proxy.rowCount() == 0
        assert window.proxy.why_empty() == (
            f"No cells flagged: the model called none of the {len(window.batch):,} cells "
            "screened parasitized or uncertain")
    assert window.proxy.rowCount() > 0  # the flagged cells came in later
