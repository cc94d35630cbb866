"""The cell list with large text: every column stays in view, the review marks too."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from malariascope.gui.batch import UNINFECTED
from malariascope.gui.results_table import FILE, HEADERS, REVIEW, THUMB
from malariascope.gui.undo import CONFIRM
from tests.gui.helpers import resize_window, screen_and_wait

TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def text_scale(request):
    """The app's font scaled by the test's parameter while its window is made (a desktop's
    large text: 1.5 is 144 dpi), then set back."""
    font = QApplication.font()
    scaled = QApplication.font()
    scaled.setPointSizeF(font.pointSizeF() * request.param)
    QApplication.setFont(scaled)
    yield request.param
    QApplication.setFont(font)


def _shown_text(view, row: int, column: int) -> str:
    """The text ``view`` draws in ``column`` of ``row``, as its delegate gives it."""
    index = view.model().index(row, column)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.text


@pytest.mark.parametrize(("size", "text_scale"), [((853, 533), 1.0), ((1280, 800), 1.5)],
                         indirect=["text_scale"], ids=["font-dpi-144", "large-font"])
def test_with_large_text_every_column_and_the_review_marks_are_in_view(
        text_scale, make_window, qtbot, tmp_path, real_cells, size):
    """At 1280 x 800 with QT_FONT_DPI=144 (Qt scales by 1.5: 853 x 533 of its pixels), or
    with a font half as large again, the Uncertain and Review columns were off the list's
    right edge, behind a horizontal scroll bar: a cell's review did not show."""
    window = make_window()
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in real_cells["parasitized"][:3] + real_cells["uninfected"][:3]:
        shutil.copy(path, folder / path.name)
    resize_window(window, qtbot, *size)
    screen_and_wait(window, qtbot, [folder])
    window.reviews.press([0], CONFIRM)
    window.reviews.press([1], UNINFECTED)  # overridden or confirmed, as the model called it
    window.reviews.press([2], "unsure")
    table, header = window.table, window.table.horizontalHeader()
    for sorted_by in (-1, *range(FILE, len(HEADERS))):
        table.sortByColumn(sorted_by, Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
        for column in range(len(HEADERS)):
            left = header.sectionViewportPosition(column)
            assert 0 <= left, HEADERS[column]
            assert left + header.sectionSize(column) <= table.viewport().width(), HEADERS[column]
            if column != FILE:  # its title whole (File's room is what the others leave)
                arrow = 0 if column == sorted_by else table.columns.arrow_room
                assert header.sectionSize(column) >= header.sectionSizeHint(column) - arrow
            assert table.model().headerData(column, Qt.Orientation.Horizontal, TOOLTIP) == (
                HEADERS[column] or None)  # a short title is told in full
        assert header.sectionSize(FILE) >= table.fontMetrics().horizontalAdvance("cell_100.png")
    metrics = table.fontMetrics()
    proxy = table.model()
    for source_row, mark in enumerate("✓✎?" if window.batch.call(1) != UNINFECTED else "✓✓?"):
        row = proxy.mapFromSource(proxy.sourceModel().index(source_row, REVIEW)).row()
        shown = _shown_text(table, row, REVIEW)
        assert shown.startswith(mark)
        assert metrics.horizontalAdvance(shown) < header.sectionSize(REVIEW), shown
        assert proxy.index(row, REVIEW).data(TOOLTIP)  # the review in words
    assert header.sectionSize(THUMB) > 0
