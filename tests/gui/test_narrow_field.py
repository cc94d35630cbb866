"""The real window at 640 x 400 of Qt's pixels (a 1280 x 800 screen at 200 %) with a real
whole field screened and one of its cells selected: the window fits, the field shows with
its title cut short but told whole in a tooltip, and every row's review and error are in
view without a sideways scroll."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel

from malariascope.gui.results_table import ERROR, FILE, FINAL, REVIEW
from tests.gui.helpers import (
    REAL_FIELD,
    field_pane_laid_out,
    real_field_folder,
    resize_window,
    screen_and_wait,
)
from tests.gui.test_scaled_screen import SCALED_ROOM
from tests.images import write_broken_files


def _field_selected(window, qtbot, folder: Path) -> None:
    """Screen ``folder``, select its field's first cell and wait for the field to show."""
    screen_and_wait(window, qtbot, [folder])
    rows = window.batch.field_rows(folder / REAL_FIELD.name)
    window.table.select_source_row(rows[0])
    qtbot.waitUntil(lambda: not window.field_view.image().isNull(), timeout=10_000)
    field_pane_laid_out(window, qtbot)


@pytest.fixture
def field_folder(tmp_path: Path) -> Path:
    """A folder holding one real whole field."""
    return real_field_folder(tmp_path / "slide")


def test_with_a_real_field_selected_the_window_fits_640_px_its_title_in_a_tooltip(
        window, qtbot, field_folder):
    """With a field open the window could not be made narrower than about 710 px: the
    field's long title and the summary's big numbers set its least width."""
    _field_selected(window, qtbot, field_folder)
    width, height = SCALED_ROOM
    assert window.minimumSizeHint().width() <= width, window.minimumSizeHint()
    resize_window(window, qtbot, width, height)
    box, field = window.central.field_box, window.field_view
    place = QRect(box.mapTo(window, box.rect().topLeft()), box.size())
    assert window.rect().contains(place) and field.isVisible() and field.width() > 0
    qtbot.waitUntil(lambda: box.title().endswith("…"))
    assert box.title()[:-1] in box.toolTip() and box.toolTip().startswith("Whole field")
    assert box.accessibleName() == box.toolTip()
    summary = window.summary  # its numbers whole, in the window
    assert window.rect().contains(QRect(summary.mapTo(window, QPoint()), summary.size()))
    numbers = [label for label in summary.findChildren(QLabel) if not label.wordWrap()]
    assert {label.text() for label in numbers} >= {"124 / 2,000", "0 / 124"}
    for label in numbers:
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.text()


def test_at_640_px_every_rows_review_and_error_show_without_a_sideways_scroll(
        window, qtbot, field_folder):
    """At 640 x 400 the Review and Error columns were past the list's right edge (Review at
    401 px of a 295-px list): a technician reviewing with the keys saw no mark of a review
    or of an error without scrolling sideways."""
    write_broken_files(field_folder)  # rows with an error beside the field's cells
    _field_selected(window, qtbot, field_folder)
    batch = window.batch
    assert batch.counts.errors and batch.set_review(batch.field_rows(
        field_folder / REAL_FIELD.name)[0], "parasitized")
    resize_window(window, qtbot, *SCALED_ROOM)
    table = window.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().value() == 0)
    room, model = table.viewport().rect(), table.model()
    for row in range(model.rowCount()):
        for column in (FILE, FINAL, REVIEW, ERROR):
            place = table.visualRect(model.index(row, column))
            assert room.left() <= place.left() and place.right() <= room.right(), (
                row, column, place, room)
    header = table.horizontalHeader()  # the other columns a scroll away, none hidden
    hidden = [column for column in range(header.count()) if header.isSectionHidden(column)]
    assert not hidden
