"""The real window at 640 x 400 of Qt's pixels (a 1280 x 800 screen at 200 %) with a real
whole field screened and one of its cells selected: the window fits, the field shows with
its title cut short but told whole in a tooltip, and every row's review and error are in
view without a sideways scroll."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel

from tests.conftest import SHARED_DATA
from tests.gui.helpers import field_pane_laid_out, resize_window, screen_and_wait
from tests.gui.test_scaled_screen import SCALED_ROOM

FIELD = SHARED_DATA / "fields" / "PA171742.JPG"  # 124 cells: counts of three digits


def _field_selected(window, qtbot, folder: Path) -> None:
    """Screen ``folder``, select its field's first cell and wait for the field to show."""
    screen_and_wait(window, qtbot, [folder])
    rows = window.batch.field_rows(folder / FIELD.name)
    window.table.select_source_row(rows[0])
    qtbot.waitUntil(lambda: not window.field_view.image().isNull(), timeout=10_000)
    field_pane_laid_out(window, qtbot)


@pytest.fixture
def field_folder(tmp_path: Path) -> Path:
    """A folder holding one real whole field."""
    if not FIELD.is_file():
        pytest.skip(f"real whole fields not found at {FIELD.parent}")
    folder = tmp_path / "slide"
    folder.mkdir()
    shutil.copy(FIELD, folder)
    return folder


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
    summary = window.summary  # its numbers whole, in the window
    assert window.rect().contains(QRect(summary.mapTo(window, QPoint()), summary.size()))
    numbers = [label for label in summary.findChildren(QLabel) if not label.wordWrap()]
    assert {label.text() for label in numbers} >= {"124 / 2,000", "0 / 124"}
    for label in numbers:
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= room, label.text()
