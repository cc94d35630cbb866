"""Calls, reviews and keyboard focus shown by more than colour, in the real window with the
real model on real cells and a real field: red and green read as one olive to a colour-blind
technician, and a keyboard user must see where the review keys act."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import real_field_folder, screen_and_wait


@pytest.fixture
def real_field(tmp_path: Path) -> Path:
    """A folder holding one real whole field."""
    return real_field_folder(tmp_path / "field")


def _field_shown(window, qtbot, folder: Path) -> list[int]:
    """Screen ``folder``, select its field's first cell and wait for the field; its rows."""
    screen_and_wait(window, qtbot, [folder])
    rows = window.batch.field_rows(next(folder.iterdir()))
    window.table.select_source_row(rows[0])
    qtbot.waitUntil(lambda: not window.field_view.image().isNull(), timeout=10_000)
    return rows


def _pen(view, row: int) -> tuple:
    pen = view.outline_pen(row)
    return pen.widthF(), pen.style(), tuple(pen.dashPattern())


def test_field_outlines_tell_the_calls_apart_by_line_not_only_by_colour(
        window, qtbot, real_field):
    rows = _field_shown(window, qtbot, real_field)
    batch, view = window.batch, window.field_view
    uncertain = next(row for row in rows if batch.uncertain(row))
    healthy = [row for row in rows if batch.call(row) == "uninfected" and not batch.uncertain(row)]
    parasitized = healthy[-1]
    batch.set_review(parasitized, "parasitized")  # a reviewer's parasitized: drawn as one
    lines = {_pen(view, row) for row in (parasitized, uncertain, healthy[0])}
    assert len(lines) == 3
    assert _pen(view, parasitized)[0] > _pen(view, healthy[0])[0]  # the thickest stands out
    assert view.outline_pen(uncertain).style() != Qt.PenStyle.SolidLine


def test_a_reviewed_cell_is_drawn_otherwise_than_before_its_review_in_the_field(
        window, qtbot, real_field):
    """A confirmed uninfected cell keeps its green: only a mark tells it was reviewed."""
    rows = _field_shown(window, qtbot, real_field)
    batch, view = window.batch, window.field_view
    selected = view.box_rect(batch.results[rows[0]].box).adjusted(-20, -20, 20, 20)

    def far_from_the_selection(row: int) -> bool:
        return not view.box_rect(batch.results[row].box).intersects(selected)

    target = next(row for row in rows if batch.call(row) == "uninfected"
                  and not batch.uncertain(row) and far_from_the_selection(row))
    around = view.box_rect(batch.results[target].box).adjusted(-8, -8, 8, 8).toAlignedRect()
    before = view.grab(around).toImage()
    assert batch.confirm(target) and batch.review(target) == "confirmed"
    after = view.grab(around).toImage()
    assert after != before


def _gallery(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    assert window.lists.gallery_shown()
    return window.gallery


def test_gallery_captions_tell_a_confirmation_from_an_override(window, qtbot, real_cells):
    folder = real_cells["parasitized"][0].parent
    screen_and_wait(window, qtbot, real_cells["parasitized"])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    called = [row for row in range(len(batch)) if batch.call(row) == "parasitized"]
    assert len(called) >= 2, f"the model called fewer than 2 cells of {folder} parasitized"
    confirmed, overridden = called[:2]
    batch.set_review(confirmed, "parasitized")
    batch.set_review(overridden, "uninfected")
    delegate = gallery.itemDelegate()
    words = {row: delegate.caption(row).split(" ", 1)[1] for row in (confirmed, overridden)}
    assert words == {confirmed: "P ✓ confirmed", overridden: "U ✎ overridden"}
    from malariascope.gui.gallery_delegate import fitted  # here: the other tests run without it

    tile = gallery.visualRect(gallery.model().index(0, 0)).width()
    shown = [fitted(delegate.caption(row), gallery.fontMetrics(), tile).split(" ", 1)[1]
             for row in (confirmed, overridden)]
    assert shown[0] != shown[1]  # on the tile too, however little room it has


def test_the_gallery_shows_when_it_has_the_keyboards_focus(window, qtbot, real_cells):
    screen_and_wait(window, qtbot, real_cells["uninfected"])
    gallery = _gallery(window, qtbot)
    window.controls.threshold.spin.setFocus()
    qtbot.waitUntil(lambda: not gallery.hasFocus())
    without = gallery.grab().toImage()
    gallery.setFocus()
    qtbot.waitUntil(gallery.hasFocus)
    within = gallery.grab().toImage()
    assert within != without
    edge = QRect(0, 0, gallery.width(), 4)  # the frame shows at the edge, not only on a tile
    assert within.copy(edge) != without.copy(edge)
