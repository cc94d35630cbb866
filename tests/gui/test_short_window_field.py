"""The real window at 640 x 400 of Qt's pixels (a 1280 x 800 screen at 200 %) with a real
whole field screened beside error rows: the cell list keeps several rows in view, and the
field pane's message for a file without a call can be read whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QScrollArea

from malariascope.gui.results_table import FILE, THUMB_SIZE
from tests.gui.helpers import (
    REAL_FIELD,
    field_pane_laid_out,
    real_field_folder,
    resize_window,
    screen_and_wait,
)
from tests.gui.test_scaled_screen import SCALED_ROOM
from tests.images import write_broken_files

SEVERAL_ROWS = 3  # the rows in view that show a reviewer where they are in the list


@pytest.fixture
def field_with_errors(window, qtbot, tmp_path: Path) -> Path:
    """A real whole field and broken files screened, a cell of the field selected and its
    pane laid out; the folder."""
    folder = real_field_folder(tmp_path / "slide")
    write_broken_files(folder)
    screen_and_wait(window, qtbot, [folder])
    window.table.select_source_row(window.batch.field_rows(folder / REAL_FIELD.name)[0])
    qtbot.waitUntil(lambda: not window.field_view.image().isNull(), timeout=10_000)
    field_pane_laid_out(window, qtbot)
    return folder


def _rows_in_view(table) -> int:
    """How many rows of ``table`` show whole in its viewport (their File cells)."""
    room = table.viewport().rect()
    return sum(room.contains(table.visualRect(table.model().index(row, FILE)))
               for row in range(table.model().rowCount()))


def test_at_640_by_400_with_a_field_open_the_list_shows_several_rows(
        window, qtbot, field_with_errors):
    """At 640 x 400 with a whole field open the list showed one row (54 px of a 56-px
    viewport): a technician reviewing by the keys saw no row above or below the one
    selected. The rows now shrink to a line, their thumbnails with them."""
    table = window.table
    assert _rows_in_view(table) >= SEVERAL_ROWS  # at 1280 x 800, as tall as their thumbnails
    full = table.rowHeight(0)
    assert full > table.iconSize().height() == THUMB_SIZE
    resize_window(window, qtbot, *SCALED_ROOM)
    qtbot.waitUntil(lambda: _rows_in_view(table) >= SEVERAL_ROWS)
    assert table.rowHeight(0) >= table.fontMetrics().lineSpacing()
    assert table.iconSize().height() <= table.rowHeight(0)  # the thumbnails fit the rows
    assert window.central.field_box.isVisible() and window.field_view.height() > 0
    resize_window(window, qtbot, 1280, 800)  # room again: the rows as tall as before
    qtbot.waitUntil(lambda: table.rowHeight(0) == full)
    assert table.iconSize().height() == THUMB_SIZE


def test_at_640_by_400_a_file_without_a_calls_message_in_the_field_pane_reads_whole(
        window, qtbot, field_with_errors):
    """At 640 x 400 the field pane, 28 px high, drew the message of an error row centred
    within 12-px margins: its lines were cut at the top and the bottom. It now wraps to
    the pane's width and scrolls up and down."""
    resize_window(window, qtbot, *SCALED_ROOM)
    batch, view = window.batch, window.field_view
    errors = [row for row, result in enumerate(batch.results) if not result.ok]
    longest = max(errors, key=lambda row: len(batch.results[row].error))
    assert window.table.select_source_row(longest)
    message = view.message
    assert batch.results[longest].error in message
    labels = [label for label in view.findChildren(QLabel)
              if label.isVisible() and " ".join(label.text().split()) == " ".join(
                  message.split())]
    assert labels, f"no label in the field pane reads {message!r}"
    label = labels[0]
    lines = label.text().split("\n")
    metrics = label.fontMetrics()
    assert len(lines) >= 2  # the pane is narrower than the message
    for line in lines:
        assert metrics.horizontalAdvance(line) <= label.contentsRect().width(), line
    assert label.height() >= len(lines) * metrics.lineSpacing()
    scroll = next(area for area in view.findChildren(QScrollArea) if area.widget() is label)
    # every line can be scrolled into the pane
    assert scroll.verticalScrollBar().maximum() >= label.height() - scroll.viewport().height()
    assert scroll.viewport().width() >= label.width()
