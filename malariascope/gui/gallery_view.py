"""The gallery: the cells of the list as a grid of large thumbnails, several selected at once.

It shows the table's own filtered, sorted rows (one proxy) and shares the table's selection
model, so a cell selected in either is selected in both, and the detail panel and the field
view, which follow the current row, follow the gallery too. Tiles all have one size, so the
grid of 20,000 cells is laid out in one pass of a few milliseconds, and only the pictures in
sight are decoded: they come from a bounded cache of their own, read off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRectF,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPen, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QWidget

from malariascope.gui.gallery_delegate import GalleryDelegate
from malariascope.gui.keys import MOVE_KEYS
from malariascope.gui.results_proxy import ResultsFilterProxy
from malariascope.gui.results_table import FILE, THUMB
from malariascope.gui.results_view import paint_empty, resize_keeping_in_sight
from malariascope.gui.thumbnails import ThumbnailCache

SIZES = (64, 96, 128, 160, 192)  # thumbnail sides Ctrl+wheel steps through, logical pixels
DEFAULT_SIZE = 96
CACHE_BYTES = 96 * 2**20  # what the gallery's decoded pictures may take in memory
MAX_PENDING = 2048  # more than a screenful of the smallest tiles on a large screen
TILE_GAP = 1  # between tiles, beside the room their selection rings keep
FOCUS_WIDTH = 2  # the frame inside the gallery's edge while it has the keyboard's focus


def cache_capacity(pixels: int) -> int:
    """How many RGB pictures of ``pixels`` square fit :data:`CACHE_BYTES` (at least 200)."""
    return max(200, CACHE_BYTES // (3 * pixels * pixels))


class GalleryView(QListView):
    """Tiles of the rows of ``proxy``; selection lives in ``selection`` (the table's)."""

    opened = Signal(int)  # the source row double-clicked
    thumb_size_changed = Signal(int)  # the thumbnails' new size, zoomed to

    def __init__(self, proxy: ResultsFilterProxy, selection: QItemSelectionModel,
                 ratio: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = ThumbnailCache(DEFAULT_SIZE, ratio, parent=self,
                                         capacity=cache_capacity(round(DEFAULT_SIZE * ratio)),
                                         max_pending=MAX_PENDING)
        self.setItemDelegate(GalleryDelegate(proxy, self.thumbnails, self))
        self.setModel(proxy)
        self.setAccessibleName("Cell gallery")
        own = self.selectionModel()
        self.setSelectionModel(selection)
        own.deleteLater()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)  # a grid, not free-floating icons
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        # every tile placed at once: a scroll to the current tile lands wherever it is (laid
        # out in batches, the scroll range would stop short of tiles not placed yet)
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setSpacing(TILE_GAP)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.thumbnails.ready.connect(self._on_thumbnail_ready)
        self.doubleClicked.connect(self._on_double_clicked)
        selection.currentChanged.connect(self._on_current_changed)
        selection.selectionChanged.connect(self._keep_current_selected)
        proxy.batch.events.reset.connect(self.thumbnails.clear)
        self._anchor: tuple[int, int] | None = None  # a tile in sight: its row, its top
        proxy.layoutAboutToBeChanged.connect(self._hold_place)
        proxy.layoutChanged.connect(self._keep_place)

    def proxy(self) -> ResultsFilterProxy:
        return self.model()  # type: ignore[return-value]

    # -- size ----------------------------------------------------------------------------
    def thumb_size(self) -> int:
        return self.thumbnails.size

    def set_thumb_size(self, size: int) -> None:
        """Show thumbnails of ``size`` logical pixels (the nearest of :data:`SIZES`)."""
        size = min(SIZES, key=lambda s: abs(s - size))
        if size == self.thumbnails.size:
            return
        pixels = round(size * self.thumbnails.ratio)
        self.thumbnails.set_size(size, cache_capacity(pixels))
        self.scheduleDelayedItemsLayout()  # the delegate's tiles changed size
        self.scrollTo(self.currentIndex())
        self.thumb_size_changed.emit(size)

    def width_for_columns(self, columns: int) -> int:
        """The width the view needs to lay ``columns`` whole tiles in a row, with its scroll
        bar shown (Qt wraps a row that would touch the viewport's last pixel: one more)."""
        pitch = self.itemDelegate().tile_size().width() + self.spacing()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return columns * pitch + self.spacing() + 2 * self.frameWidth() + bar + 1

    def columns_in(self, width: int) -> int:
        """How many whole tiles a row the view lays out at ``width`` (at least one)."""
        columns = 1
        while self.width_for_columns(columns + 1) <= width:
            columns += 1
        return columns

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Arrows move on from the current cell whichever column made it current: the table
        makes its File column current (a review moving on, a click in the field), and a list
        finds no tile for a column it does not show, so it would start from the first, and
        Shift+arrow would span from no tile and select none."""
        current = self.currentIndex()
        if current.isValid() and current.column() != THUMB:
            self.selectionModel().setCurrentIndex(current.siblingAtColumn(THUMB),
                                                  QItemSelectionModel.SelectionFlag.NoUpdate)
        super().keyPressEvent(event)

    def selectionCommand(self, index: QModelIndex,  # noqa: N802 (Qt API)
                         event: QEvent | None = None) -> QItemSelectionModel.SelectionFlag:
        """Ctrl with a moving key selects as the key alone does: Qt would move the current
        cell, which the panel shows, and leave the selection, which the review keys act on,
        where it was."""
        if (isinstance(event, QKeyEvent) and event.key() in MOVE_KEYS
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            event = QKeyEvent(event.type(), event.key(),
                              event.modifiers() & ~Qt.KeyboardModifier.ControlModifier)
        return super().selectionCommand(index, event)

    def _keep_current_selected(self) -> None:
        """While cells are selected, the current one is among them: a Ctrl+click that takes
        the current cell out makes the nearest selected cell current, so the panel never
        shows a cell the review keys pass over."""
        selection, current = self.selectionModel(), self.currentIndex()
        if not current.isValid() or selection.isSelected(current.siblingAtColumn(THUMB)):
            return
        rows = {index.row() for index in selection.selectedIndexes()}
        if rows:
            nearest = min(rows, key=lambda row: (abs(row - current.row()), row))
            selection.setCurrentIndex(self.model().index(nearest, THUMB),
                                      QItemSelectionModel.SelectionFlag.NoUpdate)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """The current tile in sight stays in sight as the gallery's height changes: the
        whole field shows under it once a cell of a field is selected, after the gallery has
        scrolled to that cell, and takes the height its tile may stand in."""
        current = self.currentIndex().siblingAtColumn(THUMB)
        resize_keeping_in_sight(self, current, event, super().resizeEvent)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self.model().rowCount() == 0:  # an emptied review queue, or no cells yet
            paint_empty(self)
        if self.hasFocus():  # the review keys act here: the style draws no frame to say so
            painter = QPainter(self.viewport())
            pen = QPen(self.palette().highlight().color(), FOCUS_WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(QRectF(self.viewport().rect()).adjusted(1, 1, -1, -1))

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms the tiles a step per notch; the wheel alone scrolls."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        step = 1 if event.angleDelta().y() > 0 else -1
        at = SIZES.index(self.thumbnails.size) + step
        self.set_thumb_size(SIZES[max(0, min(len(SIZES) - 1, at))])
        event.accept()

    def save_settings(self, store: QSettings) -> None:
        store.setValue("gallery/size", self.thumbnails.size)

    def restore_settings(self, store: QSettings) -> None:
        self.set_thumb_size(store.value("gallery/size", DEFAULT_SIZE, type=int))

    # -- rows ----------------------------------------------------------------------------
    def selected_source_rows(self) -> list[int]:
        """The selected cells' batch rows, in the order shown."""
        proxy = self.proxy()
        at = sorted({index.row() for index in self.selectionModel().selectedIndexes()})
        return [proxy.source_row(row) for row in at if row < proxy.rowCount()]

    def selected_count(self) -> int:
        """How many cells are selected, from the selection's ranges of rows (which Qt keeps
        apart): no index is made per cell."""
        return sum(part.height() for part in self.selectionModel().selection())

    def visible_source_rows(self) -> list[int]:
        """The batch rows of the tiles in sight, whole or in part, in the order shown."""
        proxy, area = self.proxy(), self.viewport().rect()
        half = self.thumbnails.size // 2
        probes = (self.indexAt(QPoint(x, y)) for y in (2, half) for x in (2, half))
        first = next((index.row() for index in probes if index.isValid()), 0)
        rows = []
        for at in range(first, proxy.rowCount()):
            rect = self.visualRect(proxy.index(at, THUMB))
            if rect.top() > area.bottom():
                break
            if rect.intersects(area):
                rows.append(proxy.source_row(at))
        return rows

    def select_source_rows(self, rows: list[int]) -> None:
        """Select the cells of ``rows`` that are shown, the first of them in the list's order
        current (and so scrolled to)."""
        proxy, selection = self.proxy(), QItemSelection()
        source = proxy.sourceModel()
        shown = [proxy.mapFromSource(source.index(row, FILE)) for row in rows]
        shown = sorted((index for index in shown if index.isValid()), key=QModelIndex.row)
        for index in shown:
            selection.select(index, index)
        flags, selecting = QItemSelectionModel.SelectionFlag, self.selectionModel()
        if not shown:
            selecting.clearSelection()
            return
        # current first: the cell on show is never one the selection is about to leave out
        selecting.setCurrentIndex(shown[0], flags.ClearAndSelect | flags.Rows)
        selecting.select(selection, flags.Select | flags.Rows)

    # -- events --------------------------------------------------------------------------
    def _on_thumbnail_ready(self, row: int) -> None:
        proxy = self.proxy()
        index = proxy.mapFromSource(proxy.sourceModel().index(row, THUMB))
        if index.isValid():
            self.update(index)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.opened.emit(self.proxy().source_row(index.row()))

    def _hold_place(self) -> None:
        """Before rows arrive or move: the first tile in sight of a gallery scrolled down."""
        rows = self.visible_source_rows() if self.isVisible() else []
        if not rows or self.verticalScrollBar().value() == 0:
            self._anchor = None
            return
        proxy = self.proxy()
        at = proxy.mapFromSource(proxy.sourceModel().index(rows[0], THUMB))
        self._anchor = rows[0], self.visualRect(at).top()

    def _keep_place(self) -> None:
        """Scroll by as much as that tile moved, so the tiles in sight stay as cells stream
        in above them (as the table keeps its rows)."""
        if self._anchor is None:
            return
        row, top = self._anchor
        proxy = self.proxy()
        at = proxy.mapFromSource(proxy.sourceModel().index(row, THUMB))
        if at.isValid():
            self.executeDelayedItemsLayout()
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.visualRect(at).top() - top)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self.isVisible() and current.isValid():
            self.scrollTo(current.siblingAtColumn(THUMB))
