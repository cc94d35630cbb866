"""Zoom and pan of a picture in a widget: where the picture is drawn, in widget coordinates.

Pure geometry, so the field view is left with drawing and clicks. Zoom 1 fits the whole picture,
centred, as before zooming existed. Zooming keeps the picture point under the cursor where it
is, and panning never opens a gap at an edge the picture could fill: the technician cannot
lose the field off screen.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSizeF

MAX_ZOOM = 8.0  #: times the fitted size: a 1280-pixel field then shows a cell's inside sharply
ZOOM_STEP = 1.25  #: one wheel notch or one Zoom in


class Viewport:
    """The part of a ``picture`` (size in its own pixels) shown in a widget of size ``view``."""

    def __init__(self) -> None:
        self.picture = QSizeF()
        self.view = QSizeF()
        self.zoom = 1.0  # 1 = the whole picture fits
        self._centre = QPointF()  # the picture point drawn mid-view

    def resize(self, view: QSizeF) -> None:
        """The widget's new size; the middle stays on the same picture point where it can."""
        self.view = view
        if self.scale:
            self._settle(self._centre)

    def reset(self, picture: QSizeF) -> None:
        """Show a new picture, whole."""
        self.picture = picture
        self.fit()

    def fit(self) -> None:
        self.zoom = 1.0
        self._centre = QPointF(self.picture.width() / 2, self.picture.height() / 2)

    @property
    def scale(self) -> float:
        """Widget pixels per picture pixel (0 while there is no picture or no room)."""
        if self.picture.isEmpty() or self.view.isEmpty():
            return 0.0
        return self.zoom * min(self.view.width() / self.picture.width(),
                               self.view.height() / self.picture.height())

    def target(self) -> QRectF:
        """Where the whole picture is drawn; when zoomed in, most of it lies outside the view."""
        scale = self.scale
        if not scale:
            return QRectF()
        width, height = self.picture.width() * scale, self.picture.height() * scale
        return QRectF(_edge(self.view.width(), width, self._centre.x() * scale),
                      _edge(self.view.height(), height, self._centre.y() * scale), width, height)

    def to_view(self, rect: QRectF) -> QRectF:
        """A rectangle in picture pixels, in widget coordinates."""
        target, scale = self.target(), self.scale
        return QRectF(target.topLeft() + rect.topLeft() * scale, rect.size() * scale)

    def zoom_at(self, factor: float, anchor: QPointF) -> None:
        """Zoom by ``factor`` (kept within fit and :data:`MAX_ZOOM`); the picture point under
        ``anchor`` (widget coordinates) stays under it, as far as the picture's edges allow."""
        if not self.scale:
            return
        target, scale = self.target(), self.scale
        point = (anchor - target.topLeft()) / scale
        self.zoom = min(max(self.zoom * factor, 1.0), MAX_ZOOM)
        self._settle(point - (anchor - self._mid_view()) / self.scale)

    def pan(self, delta: QPointF) -> None:
        """Move the picture by ``delta`` widget pixels (as far as its edges allow)."""
        if self.scale:
            self._settle(self._centre - delta / self.scale)

    def reveal(self, rect: QRectF) -> None:
        """Centre on ``rect`` (picture pixels) unless it is already wholly in view."""
        if self.scale and not QRectF(QPointF(), self.view).contains(self.to_view(rect)):
            self._settle(rect.center())

    def _mid_view(self) -> QPointF:
        return QPointF(self.view.width() / 2, self.view.height() / 2)

    def _settle(self, centre: QPointF) -> None:
        """Aim at ``centre``, then keep the point the clamped target really puts mid-view, so
        pushing past an edge does not build up travel that must be undone."""
        self._centre = centre
        self._centre = (self._mid_view() - self.target().topLeft()) / self.scale


def _edge(view: float, drawn: float, centre: float) -> float:
    """The left (or top) of a ``drawn`` extent whose point ``centre`` should sit mid-view: an
    extent smaller than the view is centred, a larger one is kept over the whole view."""
    if drawn <= view:
        return (view - drawn) / 2
    return min(0.0, max(view - drawn, view / 2 - centre))
