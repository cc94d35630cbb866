"""The batch as a sortable, filterable table: thumbnail, file, probability, call, review, error.

:class:`ResultsTableModel` reads the :class:`~malariascope.gui.batch.Batch` directly (no copy),
so 20,000 rows cost one Python list; thumbnails come from a lazy cache for painted rows only.
:class:`~malariascope.gui.results_proxy.ResultsFilterProxy` filters and sorts,
:class:`ResultsView` is the keyboard-driven view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from malariascope.gui.batch import CONFIRMED, PARASITIZED, Batch
from malariascope.gui.thumbnails import ThumbnailCache

if TYPE_CHECKING:
    from malariascope.gui.results_proxy import ResultsFilterProxy

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
DISPLAY, DECORATION, TOOLTIP, FONT, ALIGNMENT, FOREGROUND = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
THUMB_SIZE = 48
CALL_COLOURS = {PARASITIZED: QColor("#c62828"), "uninfected": QColor("#2e7d32")}
HEADERS = ("", "File", "P(parasitized)", "Call", "Uncertain", "Review", "Final call", "Error")
THUMB, FILE, PROB, CALL, UNCERTAIN, REVIEW, FINAL, ERROR = range(len(HEADERS))
_Index = QModelIndex | QPersistentModelIndex


class ResultsTableModel(QAbstractTableModel):
    """A read-only table over a batch; it follows the batch's events."""

    def __init__(self, batch: Batch, ratio: float = 1.0, parent=None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._rows = len(batch)  # rows Qt has been told about (the batch grows first)
        self.thumbnails = ThumbnailCache(THUMB_SIZE, ratio, parent=self)
        self.thumbnails.ready.connect(self._on_thumbnail_ready)
        warning = QStyle.StandardPixmap.SP_MessageBoxWarning
        self._warning = QApplication.style().standardIcon(warning)
        self._bold = QFont()
        self._bold.setBold(True)
        batch.events.reset.connect(self._on_reset)
        batch.events.appended.connect(self._on_appended)
        batch.events.relabelled.connect(self._on_relabelled)
        batch.events.reviewed.connect(self._on_reviewed)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = DISPLAY):
        return self.value(index.row(), index.column(), role) if index.isValid() else None

    def value(self, row: int, column: int, role: int):
        """What ``data`` returns; roles are compared as ints (Qt enums are slow in Python)."""
        if role == DISPLAY:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == DECORATION:
            return self._thumbnail(row) if column == THUMB else None
        if role == FOREGROUND:
            return CALL_COLOURS.get(self._text(row, column)) if column in (CALL, FINAL) else None
        if role == FONT:
            return self._bold if column == FINAL and self.batch.review(row) else None
        if role == TOOLTIP and column in (FILE, ERROR, THUMB):
            result = self.batch.results[row]
            return f"{result.path}\n{result.error}".strip()
        if role == ALIGNMENT and column == PROB:
            return RIGHT
        return None

    def _text(self, row: int, column: int) -> str:
        batch, result = self.batch, self.batch.results[row]
        if column == FILE:  # a cell of a whole field: "PA171710.JPG #12"
            return f"{result.path.name} #{result.cell_index}" if result.box else result.path.name
        if column == PROB:
            return "" if result.probability is None else f"{result.probability:.3f}"
        if column == CALL:
            return batch.call(row)
        if column == UNCERTAIN:
            return "uncertain" if batch.uncertain(row) else ""
        if column == REVIEW:
            review = batch.review(row)
            return {CONFIRMED: "✓ confirmed", "": ""}.get(review, "✎ overridden")
        if column == FINAL:
            return batch.final_call(row)
        if column == ERROR:
            return result.error
        return ""

    def _sort_key(self, row: int, column: int):
        if column == PROB:
            p = self.batch.results[row].probability
            return -1.0 if p is None else p
        if column in (THUMB, FILE):
            return row  # file order is natural order already
        return self._text(row, column)

    def _thumbnail(self, row: int):
        result = self.batch.results[row]
        if not result.ok:
            return self._warning
        image = self.thumbnails.get(row, result)
        if image is None:
            return None
        return self._warning if image.isNull() else image

    # -- batch events --------------------------------------------------------------------
    def _on_reset(self) -> None:
        self.beginResetModel()
        self.thumbnails.clear()
        self._rows = len(self.batch)
        self.endResetModel()

    def _on_appended(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)
        self._rows = last + 1
        self.endInsertRows()

    def _on_relabelled(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, CALL), self.index(self._rows - 1, FINAL))

    def _on_reviewed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, CALL), self.index(row, FINAL))

    def _on_thumbnail_ready(self, row: int) -> None:
        if row < self._rows:
            index = self.index(row, THUMB)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class ReasonDelegate(QStyledItemDelegate):
    """Draws the Error column's reason over the row's lines, cut only at its end: cut in the
    middle like a file name, "not a readable image (... format)" said nothing."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideRight


class ResultsView(QTableView):
    """The cell list: one selected row at a time, arrows and PgUp/PgDn move through it."""

    EMPTY_HINT = "Open images or a folder (Ctrl+O, Ctrl+Shift+O), or drop them here"
    current_changed = Signal(object)  # the source row now current, or None

    def __init__(self, proxy: ResultsFilterProxy, parent=None) -> None:
        super().__init__(parent)
        self.setModel(proxy)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self._setup_headers()
        self._following: list[int] = []  # source rows from the current one down, before a
        self._in_view_at = -1  # rearrangement, and the row shown there if in view (else -1)
        proxy.layoutAboutToBeChanged.connect(self._on_rearranging)
        proxy.layoutChanged.connect(self._on_rearranged)
        self.selectionModel().currentRowChanged.connect(
            lambda current, previous: self.current_changed.emit(self.current_source_row()))

    def _setup_headers(self) -> None:
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(THUMB_SIZE + 6)
        header = self.horizontalHeader()
        header.setDefaultSectionSize(60)  # first: it resets widths; Error may be this narrow
        header.setSortIndicatorClearable(True)  # a third click returns to file order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self.scroll_to_current)  # after the view's sort
        for column, width in ((THUMB, THUMB_SIZE + 12), (FILE, 190), (PROB, 100), (CALL, 88),
                              (UNCERTAIN, 78), (REVIEW, 100), (FINAL, 88)):
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)  # Error takes what is left
        header.setMinimumSectionSize(40)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep "..._cell_123.png" visible
        self.setItemDelegateForColumn(ERROR, ReasonDelegate(self))

    def _on_rearranging(self) -> None:
        current = self.currentIndex()
        at = current.row()
        self._following = self.proxy().source_rows(at) if at >= 0 else []
        in_view = at >= 0 and self.visualRect(current).intersects(self.viewport().rect())
        self._in_view_at = at if in_view else -1

    def _on_rearranged(self) -> None:
        """A current row in view keeps its place on screen, the others moving around it (rows
        streaming into a sorted list would push it out of sight). When the filter hides it (a
        review, a new threshold or another filter), the first row that followed it and is
        still shown becomes current, else the last row: the list keeps a selected row and the
        panels follow it. Qt says nothing when the current row just goes, so an emptied list
        is announced here."""
        if self.currentIndex().isValid():
            self._keep_in_place(self._in_view_at, self.currentIndex().row())
            return
        if not self._following:
            return
        proxy = self.proxy()
        shown = (proxy.mapFromSource(proxy.sourceModel().index(row, FILE))
                 for row in self._following)
        index = next((i for i in shown if i.isValid()), proxy.index(proxy.rowCount() - 1, FILE))
        if index.isValid():
            self.setCurrentIndex(index)
        else:
            self.current_changed.emit(None)

    def _keep_in_place(self, before: int, now: int) -> None:
        """Scroll by as many rows as the current row moved, from ``before`` to ``now`` (no
        scroll when it was out of view: -1). Rows all have one height."""
        if before < 0 or now == before:
            return
        self.updateGeometries()  # the scroll range of the rearranged list
        step = 1 if self.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem \
            else self.verticalHeader().defaultSectionSize()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + (now - before) * step)

    def proxy(self) -> ResultsFilterProxy:
        return self.model()  # type: ignore[return-value]

    def current_source_row(self) -> int | None:
        index = self.currentIndex()
        return self.proxy().mapToSource(index).row() if index.isValid() else None

    def source_row_after(self, source_row: int) -> int | None:
        """The source row shown below ``source_row`` (None at the end)."""
        proxy = self.proxy()
        at = proxy.mapFromSource(proxy.sourceModel().index(source_row, 0))
        below = proxy.index(at.row() + 1, 0) if at.isValid() else QModelIndex()
        return proxy.mapToSource(below).row() if below.isValid() else None

    def select_source_row(self, source_row: int) -> bool:
        """Make ``source_row`` current and selected (False when it is filtered out)."""
        proxy = self.proxy()
        index = proxy.mapFromSource(proxy.sourceModel().index(source_row, FILE))
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def select_first_if_none(self) -> None:
        """Select the first row shown when none is current, e.g. rows arrived (the first row
        *added* may be hidden by the filter)."""
        if not self.currentIndex().isValid() and self.model().rowCount():
            self.setCurrentIndex(self.model().index(0, FILE))

    def scroll_to_current(self, *_) -> None:
        """Bring the current row into view at once, e.g. after a sort or a filter change (Qt
        keeps the scroll offset, and the selected cell can sit out of sight). Qt lays the
        changed rows out later, and a scroll before that stops at the old list's end, so the
        layout is brought up to date first."""
        self.updateGeometries()
        self.scrollTo(self.currentIndex())

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model().rowCount() == 0:
            text = self.EMPTY_HINT if not len(self.proxy().batch) else "No cells match the filter"
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, text)
            painter.end()
