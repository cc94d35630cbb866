"""The whole field of the selected cell, with every cell found outlined in its call's colour.

Red parasitized, green uninfected, amber uncertain until reviewed (the final call decides, as
in the report); the selected cell is drawn thicker. Clicking a cell selects its row. The field
is decoded in a worker (megapixels would stall the UI) and kept while its cells are browsed;
outlines are drawn from the batch at every paint, so a review shows at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from malariascope.gui.batch import Batch
from malariascope.gui.detail_view import paint_backdrop
from malariascope.gui.results_table import CALL_COLOURS
from malariascope.gui.thumbnails import read_field, rgb_qimage
from malariascope.gui.workers import LatestLoad, WorkerGroup

UNCERTAIN_COLOUR = QColor("#ffa000")
SELECTED_COLOUR = QColor("#ffffff")


def load_field(path: Path) -> QImage:
    """The field at ``path`` as a QImage (runs in a worker)."""
    return rgb_qimage(read_field(path))


class FieldView(QWidget):
    """The field of the row given to :meth:`show_row`; emits :attr:`cell_clicked` with a row."""

    cell_clicked = Signal(int)

    def __init__(self, batch: Batch, workers: WorkerGroup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._loads = LatestLoad(workers)
        self._path: Path | None = None  # the field shown
        self._shape = (0, 0)  # its height and width in pixels (known before it is decoded)
        self._image = QImage()
        self._scaled = QPixmap()  # the field at its drawn size: a review repaints only outlines
        self._row: int | None = None
        self.message = "Select a cell of a whole field"
        self.setMinimumSize(200, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the list
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        batch.events.reset.connect(self._on_reset)
        batch.events.changed.connect(self.update)  # reviews, threshold, more cells of the field

    def sizeHint(self) -> QSize:
        return QSize(400, 260)  # what it takes from the list above when it appears

    # -- what is shown -------------------------------------------------------------------
    def show_row(self, row: int | None) -> None:
        """Show the field of ``row`` with the row selected; nothing when ``row`` is a single-cell
        image. None (no row selected, e.g. the filter hid it) keeps the field, unselected."""
        result = self.batch.results[row] if row is not None else None
        if result is not None:
            self._set_field(result.path if result.whole_field else None, result.image_shape)
        self._row = row if self._path else None
        self.update()

    def _on_reset(self) -> None:
        self._row = None
        self._set_field(None, (0, 0))

    def _set_field(self, path: Path | None, shape: tuple[int, int]) -> None:
        if path == self._path:
            return
        self._path = path
        self._loads.invalidate()
        self._image, self._scaled = QImage(), QPixmap()
        self._shape = shape if path else (0, 0)
        self.message = "Loading…" if path else "Select a cell of a whole field"
        if path:
            self._loads.start(load_field, path, self._on_loaded, self._on_failed)
        self.update()

    def _on_loaded(self, image: QImage) -> None:
        self._image = image
        self.update()

    def _on_failed(self, exc: Exception) -> None:
        self.message = f"Could not read the field:\n{exc}"
        self.update()

    def image(self) -> QImage:
        return self._image

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

    def outline_colour(self, row: int) -> QColor:
        """Red or green for the final call; amber while an uncertain call is not reviewed."""
        if self.batch.uncertain(row) and not self.batch.review(row):
            return UNCERTAIN_COLOUR
        return CALL_COLOURS[self.batch.final_call(row)]

    # -- geometry ------------------------------------------------------------------------
    def _target(self) -> QRectF:
        """Where the field is drawn: scaled to fit, centred, keeping its aspect ratio."""
        height, width = self._shape
        if not width or not height:
            return QRectF()
        scale = min(self.width() / width, self.height() / height)
        return QRectF((self.width() - width * scale) / 2, (self.height() - height * scale) / 2,
                      width * scale, height * scale)

    def box_rect(self, box: tuple[int, int, int, int]) -> QRectF:
        """A box in field pixels, in widget coordinates."""
        target = self._target()
        if target.isEmpty():
            return QRectF()
        scale = target.width() / self._shape[1]
        x, y, w, h = box
        return QRectF(target.x() + x * scale, target.y() + y * scale, w * scale, h * scale)

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

    def _picture(self) -> QPixmap:
        """The field scaled once for the widget's size (sharp on high-DPI screens)."""
        ratio = self.devicePixelRatioF()
        size = (self._target().size() * ratio).toSize()
        if self._scaled.size() != size:
            self._scaled = QPixmap.fromImage(self._image.scaled(
                size, Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            self._scaled.setDevicePixelRatio(ratio)
        return self._scaled

    # -- events --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(row)

    def paintEvent(self, event) -> None:
        painter = paint_backdrop(self, self._image, self.message)
        if not self._image.isNull():
            painter.drawPixmap(self._target().topLeft(), self._picture())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for row, box in self.outlines().items():
            selected = row == self._row
            if selected:  # a white halo: visible on any call colour
                painter.setPen(QPen(SELECTED_COLOUR, 5))
                painter.drawEllipse(self.box_rect(box))
            painter.setPen(QPen(self.outline_colour(row), 3 if selected else 2))
            painter.drawEllipse(self.box_rect(box))
