"""The whole field of the selected cell, with every cell found outlined for its call.

Parasitized thick red, uninfected thin green, uncertain dashed amber until reviewed (the final
call decides, as in the report); a reviewed cell has a tick on its outline (``gui.call_marks``).
The selected cell is ringed in dark blue, outside its outline. Clicking a
cell selects its row; the wheel zooms at the cursor and a drag pans (``gui.viewport``), and
selecting a cell out of view brings it into view. The field is decoded in a worker (megapixels
would stall the UI) and kept while its cells are browsed; outlines are drawn from the batch at
every paint, so a review shows at once.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from malariascope.gui.batch import Batch
from malariascope.gui.call_marks import outline_pen, paint_review_tick
from malariascope.gui.canvas import paint_backdrop
from malariascope.gui.latest_load import LatestLoad
from malariascope.gui.pane_message import PaneMessage
from malariascope.gui.thumbnails import read_field, rgb_qimage
from malariascope.gui.viewport import ZOOM_STEP, Viewport
from malariascope.gui.workers import WorkerGroup

#: The ring around the selected cell: dark, so it stands out on pale glass (a white halo does
#: not), and blue, so it is told apart from the red, green and amber of the calls.
SELECTED_COLOUR = QColor("#0d47a1")
SELECTED_GAP = 5  #: how far the ring lies outside the cell's outline, in screen pixels


NO_CELL = "No cell selected"  #: what the pane says with no row selected, as the cell panel
SINGLE_CELL = "A single-cell image: no whole field"  #: and beside a single-cell image
NO_CALL = "No call for this file: "  #: and beside a file without a call, before its reason

#: The field is halved for display until its shorter side is this small (see ``_reduced``).
SMALLEST_HALVING = 256


def load_field(path: Path) -> list[QImage]:
    """The field at ``path``, then the field halved again and again down to
    :data:`SMALLEST_HALVING` pixels (runs in a worker: halving 20 megapixels takes 0.2 s)."""
    levels = [rgb_qimage(read_field(path))]
    while min(levels[-1].width(), levels[-1].height()) >= 2 * SMALLEST_HALVING:
        last = levels[-1]
        levels.append(last.scaled(last.size() / 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation))
    return levels


class FieldView(QWidget):
    """The field of the row given to :meth:`show_row`; emits :attr:`cell_clicked` with a row."""

    cell_clicked = Signal(int)
    field_changed = Signal(object)  # the whole field now shown: a Path, or None (a new case too)

    def __init__(self, batch: Batch, workers: WorkerGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._loads = LatestLoad(workers)
        self._path: Path | None = None  # the field shown
        self._levels: list[QImage] = []  # the field, then halved (``load_field``); [] unread
        self._viewport = Viewport()
        self._picture: tuple[tuple, QPointF, QPixmap] | None = None  # see ``_visible_picture``
        self._drag_from: QPointF | None = None  # where the left button went down
        self._dragged = False
        self._row: int | None = None
        self.message_pane = PaneMessage(self)  # shown while no field is
        self.message = NO_CELL
        # two lines high at least: in a short window (640 x 400 at 200 %) the list above
        # keeps its rows in view, and the field a strip to pan
        self.setMinimumSize(200, 2 * self.fontMetrics().lineSpacing())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        batch.events.reset.connect(self._on_reset)
        batch.events.changed.connect(self.update)  # reviews, threshold, more cells of the field

    def sizeHint(self) -> QSize:
        return QSize(400, 260)  # what it takes from the list above when it appears

    # -- what is shown -------------------------------------------------------------------
    @property
    def message(self) -> str:
        """What the pane says while it shows no field."""
        return self.message_pane.words

    @message.setter
    def message(self, words: str) -> None:
        self.message_pane.words = words

    def show_row(self, row: int | None) -> None:
        """Show the field of ``row`` with the row selected; for a single-cell image, a file
        without a call (its reason), or None (no row selected: the queue emptied, the filter
        hid it), a line saying so, as the cell panel beside it does."""
        result = self.batch.results[row] if row is not None else None
        field = result.path if result is not None and result.whole_field else None
        self._set_field(field, result.image_shape if field else (0, 0))
        if result is None:
            self.message = NO_CELL
        elif field is None:
            self.message = SINGLE_CELL if result.ok else NO_CALL + result.error
        self._row = row if field else None
        if self._row is not None and result.box is not None:
            self._viewport.reveal(QRectF(*result.box))
        self.update()

    def _on_reset(self) -> None:
        self.show_row(None)

    def _set_field(self, path: Path | None, shape: tuple[int, int]) -> None:
        if path == self._path:
            return
        self._path = path
        self._loads.invalidate()
        self._set_levels([])
        height, width = shape if path else (0, 0)  # known before the field is decoded
        self._viewport.reset(QSizeF(width, height))
        self.message = "Loading…" if path else NO_CELL
        if path:
            self._loads.start(load_field, path, self._on_loaded, self._on_failed)
        self.update()
        self.field_changed.emit(path)

    def _on_loaded(self, levels: list[QImage]) -> None:
        self._set_levels(levels)
        self.update()

    def _set_levels(self, levels: list[QImage]) -> None:
        self._levels, self._picture = levels, None  # the drawn picture came from the old ones
        self.message_pane.setVisible(not levels)

    def _on_failed(self, exc: Exception) -> None:
        self.message = f"Could not read the field:\n{exc}"
        self.update()

    def image(self) -> QImage:
        """The field shown, at full size (null until decoded)."""
        return self._levels[0] if self._levels else QImage()

    def field(self) -> Path | None:
        """The whole field shown, if any."""
        return self._path

    def current_row(self) -> int | None:
        """The row drawn as selected (None when the selection is no cell of a field)."""
        return self._row

    def outlines(self) -> dict[int, tuple[int, int, int, int]]:
        """Row -> box (x, y, w, h) in field pixels, of every cell of the field shown."""
        if self._path is None:
            return {}
        results = self.batch.results
        return {row: results[row].box for row in self.batch.field_rows(self._path)
                if results[row].box is not None}

    def outline_pen(self, row: int) -> QPen:
        """The pen of the outline of ``row``'s cell (``call_marks.outline_pen``)."""
        return outline_pen(self.batch, row)

    # -- zoom ----------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole field again."""
        self._viewport.fit()
        self.update()

    def zoom(self) -> float:
        """How far the field is zoomed in (1 = the whole field fits)."""
        return self._viewport.zoom

    def _zoom_by(self, factor: float) -> None:
        """Zoom at the selected cell when it is in view, else at the middle of the view."""
        anchor = QRectF(self.rect()).center()
        box = self.batch.results[self._row].box if self._row is not None else None
        if box is not None and self.rect().intersects(self.box_rect(box).toRect()):
            anchor = self.box_rect(box).center()
        self._viewport.zoom_at(factor, anchor)
        self.update()

    # -- geometry ------------------------------------------------------------------------
    def box_rect(self, box: tuple[int, int, int, int]) -> QRectF:
        """A box in field pixels, in widget coordinates."""
        return self._viewport.to_view(QRectF(*box))

    def row_at(self, point: QPointF) -> int | None:
        """The cell whose outline (the ellipse in its box) holds ``point``; the nearest wins."""
        best, nearest = None, 1.0
        for row, box in self.outlines().items():
            rect = self.box_rect(box)
            dx = (point.x() - rect.center().x()) / max(rect.width() / 2, 1e-6)
            dy = (point.y() - rect.center().y()) / max(rect.height() / 2, 1e-6)
            if dx * dx + dy * dy <= nearest:
                best, nearest = row, dx * dx + dy * dy
        return best

    def _visible_picture(self) -> tuple[QPointF, QPixmap]:
        """Where to draw the part of the field in view, scaled once for the widget's size and
        zoom (sharp on high-DPI screens) and kept while only outlines change, e.g. on review.
        Only the visible part is scaled: a whole field at 8x would take hundreds of MB."""
        target, ratio = self._viewport.target(), self.devicePixelRatioF()
        key = (target.getRect(), self.size().toTuple(), ratio)
        if self._picture is None or self._picture[0] != key:
            image = self._reduced(self._viewport.scale * ratio)
            # widget pixels per pixel of ``image``, per axis: halving rounds odd sizes
            sx, sy = target.width() / image.width(), target.height() / image.height()
            shown = target.intersected(QRectF(self.rect())).translated(-target.topLeft())
            source = QRectF(shown.x() / sx, shown.y() / sy, shown.width() / sx,
                            shown.height() / sy).toAlignedRect().intersected(image.rect())
            pixmap = QPixmap.fromImage(image.copy(source).scaled(
                round(source.width() * sx * ratio), round(source.height() * sy * ratio),
                Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation))
            pixmap.setDevicePixelRatio(ratio)
            origin = target.topLeft() + QPointF(source.x() * sx, source.y() * sy)
            self._picture = (key, origin, pixmap)
        return self._picture[1], self._picture[2]

    def _reduced(self, scale: float) -> QImage:
        """The field halved as often as ``scale`` (screen pixels per field pixel) allows while
        keeping a pixel per screen pixel. Scaling from it reads a few screenfuls of pixels, not
        the whole 20 megapixels of a large field, so panning it stays smooth."""
        halvings = max(0, math.floor(-math.log2(scale)))
        return self._levels[min(halvings, len(self._levels) - 1)]

    # -- events --------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self._viewport.resize(QSizeF(self.size()))
        self.message_pane.setGeometry(self.rect())
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self._viewport.zoom_at(ZOOM_STEP ** notches, event.position())
            self.update()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from, self._dragged = event.position(), False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """A drag with the left button pans; a press that hardly moves stays a click."""
        if self._drag_from is None:
            return
        delta = event.position() - self._drag_from
        if not self._dragged and delta.manhattanLength() < QApplication.startDragDistance():
            return
        self._dragged = True
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self._viewport.pan(delta)
        self._drag_from = event.position()
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag_from is None:
            return
        row = None if self._dragged else self.row_at(self._drag_from)
        self._drag_from = None
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        if row is not None:
            self.cell_clicked.emit(row)

    def paintEvent(self, event) -> None:
        painter = paint_backdrop(self, self.image(), "")  # the message: :attr:`message_pane`
        if self._levels and self._viewport.scale:
            painter.drawPixmap(*self._visible_picture())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outlines = self.outlines()
        for row, box in outlines.items():
            painter.setPen(self.outline_pen(row))
            painter.drawEllipse(self.box_rect(box))
        for row in filter(self.batch.reviewed, outlines):  # ticks over every outline
            paint_review_tick(painter, self.box_rect(outlines[row]), self.outline_pen(row).color())
        if self._row in outlines:  # last: no neighbour's outline covers it
            _paint_selection(painter, self.box_rect(outlines[self._row]))


def _paint_selection(painter: QPainter, rect: QRectF) -> None:
    """Ring the selected cell outside its outline, which keeps showing the call; a white edge
    keeps the dark ring visible on dark stain too."""
    ring = rect.adjusted(-SELECTED_GAP, -SELECTED_GAP, SELECTED_GAP, SELECTED_GAP)
    painter.setPen(QPen(QColor("white"), 6))
    painter.drawEllipse(ring)
    painter.setPen(QPen(SELECTED_COLOUR, 4))
    painter.drawEllipse(ring)
