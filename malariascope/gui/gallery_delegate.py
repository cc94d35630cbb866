"""One tile of the gallery: the cell framed in its final call's colour, P(parasitized) and the
call in words under it.

The picture is drawn untouched: selection is a ring around the tile, never a tint, so the
stain's colour stays what the camera saw. The frame is red or green for the final call, amber
while the model is uncertain and nobody has pressed a call (as in the field view); the caption
says the same without colour (``call_marks.call_mark``). While its
picture is read, a tile is a hatched grey square: dark, it would read as a cell on the black
of the NIH images.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from malariascope.core.withoutcall import UNREADABLE, kind_of
from malariascope.gui.call_marks import call_mark
from malariascope.gui.results_proxy import ResultsFilterProxy
from malariascope.gui.results_table import call_colour, probability_text
from malariascope.gui.thumbnails import FAILED, ThumbnailCache

FRAME = 3  # the call's frame around the picture, logical pixels
RING = 2  # the selection ring outside the frame, doubling as the gap between tiles
TEXT_HEIGHT = 16
NO_PICTURE = QColor("#202020")  # the square of a row without a picture, its kind named on it
READING = QColor("#9e9e9e")  # the square of a picture not read yet, hatched in READING_LINES
READING_LINES = QColor("#bdbdbd")


class GalleryDelegate(QStyledItemDelegate):
    """Paints tiles of ``thumbnails.size`` pixels for the rows of ``proxy``."""

    def __init__(self, proxy: ResultsFilterProxy, thumbnails: ThumbnailCache,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy, self.batch, self.thumbnails = proxy, proxy.batch, thumbnails

    def tile_size(self) -> QSize:
        side = self.thumbnails.size + 2 * (FRAME + RING)
        return QSize(side, side + TEXT_HEIGHT)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return self.tile_size()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not index.isValid() or index.row() >= self.proxy.rowCount():
            return
        row = self.proxy.source_row(index.row())
        rect, size = option.rect, self.thumbnails.size
        frame = QRect(rect.left() + RING, rect.top() + RING, size + 2 * FRAME, size + 2 * FRAME)
        picture = frame.adjusted(FRAME, FRAME, -FRAME, -FRAME)
        painter.save()
        result = self.batch.results[row]
        if result.ok:
            painter.fillRect(frame, call_colour(self.batch, row))
        self._paint_picture(painter, picture, row)
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.highlight().color(), RING)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        text = QRect(rect.left(), frame.bottom() + 1, rect.width(), TEXT_HEIGHT)
        painter.setPen(option.palette.text().color())
        painter.drawText(text, Qt.AlignmentFlag.AlignCenter,
                         fitted(self.caption(row), option.fontMetrics, text.width()))
        painter.restore()

    def _paint_picture(self, painter: QPainter, target: QRect, row: int) -> None:
        """The cell centred in ``target`` at its decoded size (sharp: no scaling on paint)."""
        result = self.batch.results[row]
        image = self.thumbnails.get(row, result) if result.ok else FAILED
        if image is None:  # being read: the view repaints the tile when it is ready
            painter.fillRect(target, READING)
            painter.fillRect(target, QBrush(READING_LINES, Qt.BrushStyle.BDiagPattern))
            return
        if image.isNull():
            painter.fillRect(target, NO_PICTURE)
            painter.setPen(QColor("#ffa000"))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.no_picture_words(row))
            return
        shown = image.deviceIndependentSize().toSize()
        left = target.left() + (target.width() - shown.width()) // 2
        top = target.top() + (target.height() - shown.height()) // 2
        painter.fillRect(target, Qt.GlobalColor.black)  # the NIH cells' own background
        painter.drawImage(QRect(left, top, shown.width(), shown.height()), image)

    def no_picture_words(self, row: int) -> str:
        """What the square of a row without a picture says: the kind of a row without a call
        (a grey image is read and refused, not unreadable), else that its file no longer
        reads."""
        result = self.batch.results[row]
        return UNREADABLE if result.ok else kind_of(result.error)

    def caption(self, row: int) -> str:
        """P(parasitized) as the list shows it, then the final call and the review
        ("0.562 U ✎ overridden")."""
        result = self.batch.results[row]
        if not result.ok:
            return "error"
        return f"{probability_text(self.batch, row)} {call_mark(self.batch, row)}".strip()


def fitted(caption: str, metrics: QFontMetrics, width: int) -> str:
    """``caption`` less its last words until it fits ``width``, keeping P(parasitized), the
    call's letter and the review's symbol ("0.562 U ✎")."""
    words = caption.split(" ")
    while len(words) > 3 and metrics.horizontalAdvance(" ".join(words)) > width:
        words.pop()
    return " ".join(words)
