"""Zoom and pan geometry of the field view: the picture point under the cursor stays put, the
picture never leaves a gap it could fill, and a cell out of view is brought into it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, QSizeF

from malariascope.gui.viewport import MAX_ZOOM, Viewport


@pytest.fixture
def viewport() -> Viewport:
    """A 1280 x 960 field in a 400 x 200 view: it fits at 200 / 960 and is centred sideways."""
    view = Viewport()
    view.view = QSizeF(400, 200)
    view.reset(QSizeF(1280, 960))
    return view


def test_fit_shows_the_whole_picture_centred(viewport):
    scale = 200 / 960
    assert viewport.scale == pytest.approx(scale)
    assert viewport.target() == QRectF((400 - 1280 * scale) / 2, 0, 1280 * scale, 200)


def test_zoom_keeps_the_point_under_the_cursor_and_stays_within_limits(viewport):
    cell = QRectF(600, 500, 80, 80)
    anchor = viewport.to_view(cell).center()
    viewport.zoom_at(2.0, anchor)
    assert viewport.zoom == 2.0
    assert viewport.to_view(cell).center() == anchor
    assert viewport.to_view(cell).width() == pytest.approx(80 * 2 * 200 / 960)
    viewport.zoom_at(100.0, anchor)
    assert viewport.zoom == MAX_ZOOM
    viewport.zoom_at(0.001, anchor)
    assert viewport.zoom == 1.0 and viewport.to_view(cell).center() == anchor  # fitted again


def test_pan_moves_the_picture_but_never_past_its_edges(viewport):
    viewport.zoom_at(4.0, QPointF(200, 100))
    before = viewport.target()
    viewport.pan(QPointF(-30, 20))
    assert viewport.target().topLeft() - before.topLeft() == QPointF(-30, 20)
    viewport.pan(QPointF(10_000, 10_000))  # far past the top-left corner
    assert viewport.target().topLeft() == QPointF(0, 0)
    viewport.pan(QPointF(-5, -5))  # no travel built up past the edge: it moves at once
    assert viewport.target().topLeft() == QPointF(-5, -5)


def test_reveal_centres_a_cell_out_of_view_and_leaves_one_in_view(viewport):
    viewport.zoom_at(4.0, QPointF(200, 100))
    shown = QRectF(QPointF(), viewport.view)
    inside = QRectF(620, 470, 20, 20)
    assert shown.contains(viewport.to_view(inside))
    before = viewport.target()
    viewport.reveal(inside)
    assert viewport.target() == before
    far = QRectF(400, 280, 60, 60)  # the view shows x 400-880, y 360-600
    assert not shown.contains(viewport.to_view(far))
    viewport.reveal(far)
    assert viewport.to_view(far).center() == shown.center()
    corner = QRectF(1220, 900, 60, 60)  # centring it would open a gap: it goes to the corner
    viewport.reveal(corner)
    assert shown.contains(viewport.to_view(corner))
    assert viewport.target().bottomRight() == shown.bottomRight()


def test_a_wider_view_keeps_the_picture_at_the_edge_it_was_pushed_to(viewport):
    viewport.zoom_at(4.0, QPointF(200, 100))
    viewport.pan(QPointF(-10_000, 0))  # to the right edge
    viewport.resize(QSizeF(600, 200))
    assert viewport.target().right() == 600
    viewport.pan(QPointF(30, 0))  # back at once: no travel left over from the narrower view
    assert viewport.target().right() == 630
