"""The cell list: the keyboard-driven view of the batch's table, filtered and sorted.

It keeps one row selected and in sight while rows stream in, the sort changes or a filter
hides the current row, and says which batch row is current (:attr:`ResultsView.current_changed`).
Until the technician moves or scrolls, the current row is the list's first one, whichever
cell that becomes; after that, the rows in view stay where they are on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from malariascope.gui.columns import ColumnWidths, MarkDelegate
from malariascope.gui.name_delegate import NameDelegate
from malariascope.gui.results_proxy import ResultsFilterProxy
from malariascope.gui.results_table import ERROR, FILE, REVIEW, THUMB, THUMB_SIZE, UNCERTAIN

LEAST_ROWS = 3  # rows a short list keeps in view (640 x 400 at 200 %), one line high each
ROW_PADDING = 6  # a row's height over its thumbnail's


def resize_keeping_in_sight(view: QAbstractItemView, index: QModelIndex, event: QResizeEvent,
                            resize: Callable[[QResizeEvent], None]) -> None:
    """Let ``resize`` (the view's own resizeEvent) handle ``event``, then bring ``index`` back
    into sight if it was in sight before.

    A scroll area's resizeEvent gets its viewport's resize, so ``event.oldSize()`` is the old
    viewport's size, in the coordinates of ``visualRect`` (the header is outside it).
    """
    seen = index.isValid() and view.visualRect(index).intersects(
        QRect(QPoint(0, 0), event.oldSize()))
    resize(event)
    if seen:
        view.scrollTo(index)


def paint_empty(view: QAbstractItemView) -> None:
    """Say on the empty viewport of ``view`` (a list of a :class:`ResultsFilterProxy`) why it
    shows no row."""
    painter = QPainter(view.viewport())
    painter.setPen(view.palette().placeholderText().color())
    painter.drawText(view.viewport().rect().adjusted(12, 12, -12, -12),
                     Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                     view.model().why_empty())
    painter.end()


class ReasonDelegate(QStyledItemDelegate):
    """Draws the Error column's reason over the row's lines, cut only at its end: cut in the
    middle like a file name, "not a readable image (... format)" would say nothing."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideRight


class ThumbDelegate(QStyledItemDelegate):
    """Draws a thumbnail no larger than the view's icon size: a short list's rows are one
    line high, their pictures shrunk to fit."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.decorationSize = option.decorationSize.boundedTo(self.parent().iconSize())


class ResultsView(QTableView):
    """The cell list: one selected row at a time, arrows and PgUp/PgDn move through it."""

    current_changed = Signal(object)  # the source row now current, or None

    def __init__(self, proxy: ResultsFilterProxy, parent=None) -> None:
        super().__init__(parent)
        self.setModel(proxy)
        self.setAccessibleName("Cell list")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the list for the threshold and the case form, as from the gallery: a
        # row is selected whole, so stepping through its cells would only move the row on
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self._setup_headers()
        self._following: list[int] = []  # source rows from the current one down, before a
        self._anchor: tuple[int, int] | None = None  # rearrangement; a row in view: source, at
        self._at_top = False  # the list made its first row current, and nobody moved since
        proxy.layoutAboutToBeChanged.connect(self._on_rearranging)
        proxy.layoutChanged.connect(self._on_rearranged)
        self.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.follow_moves_in(self)
        proxy.batch.events.reviewed.connect(self.stop_following_top)  # a review acts too
        proxy.batch.events.reset.connect(self.names.forget)  # a new batch: other names

    def _setup_headers(self) -> None:
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        self._fit_rows()
        header = self.horizontalHeader()
        header.setDefaultSectionSize(60)  # first: it resets widths
        header.setSortIndicatorClearable(True)  # a third click returns to file order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self.scroll_to_current)  # after the view's sort
        header.setMinimumSectionSize(40)
        self.columns = ColumnWidths(self)  # their widths and order
        # a file is told from another by its end: "parasitized/..._cell_123.png"
        self.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.names = NameDelegate(self)
        self.setItemDelegateForColumn(FILE, self.names)
        self.setItemDelegateForColumn(ERROR, ReasonDelegate(self))
        self.setItemDelegateForColumn(THUMB, ThumbDelegate(self))
        marks = MarkDelegate(self)  # a narrow list's review and "uncertain"
        self.setItemDelegateForColumn(UNCERTAIN, marks)
        self.setItemDelegateForColumn(REVIEW, marks)

    def follow_moves_in(self, view: QAbstractItemView) -> None:
        """Take a click on a row of ``view``, or a scroll of it, for the technician's move:
        from then on the list keeps their place rather than its first row."""
        view.pressed.connect(self.stop_following_top)
        view.verticalScrollBar().actionTriggered.connect(self.stop_following_top)

    def stop_following_top(self, *_: object) -> None:
        """The technician acted (moved, scrolled, reviewed, opened the queue): the current
        row stays theirs as rows stream in, not the list's first one."""
        self._at_top = False

    def _on_current_row_changed(self) -> None:
        self._at_top = False  # a move; select_top marks its own
        self.current_changed.emit(self.current_source_row())

    def _on_rearranging(self) -> None:
        current = self.currentIndex()
        at = current.row()
        self._following = self.proxy().source_rows(at) if at >= 0 else []
        in_view = at >= 0 and self.visualRect(current).intersects(self.viewport().rect())
        anchor = at if in_view else self.rowAt(0)
        self._anchor = (self.proxy().source_row(anchor), anchor) if anchor >= 0 else None

    def _on_rearranged(self) -> None:
        """The list's own first row stays current as rows stream in above it, until the
        technician moves. Else the current row, when in view, or the row at the top of the
        view keeps its place on screen, the others moving around it (rows streaming into a
        sorted list would push it out of sight). When the filter hides the current row (a
        review, a new threshold or another filter), the first row that followed it and is
        still shown becomes current, else the last row: the list keeps a selected row and the
        panels follow it. Qt says nothing when the current row just goes, so an emptied list
        is announced here."""
        if self._at_top and self.model().rowCount():
            self.select_top()
            return
        if self.currentIndex().isValid():
            self._keep_in_place()
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

    def _keep_in_place(self) -> None:
        """Scroll by as many rows as the row in view before the rearrangement moved (none
        when it is gone). Rows all have one height."""
        if self._anchor is None:
            return
        proxy = self.proxy()
        row, before = self._anchor
        now = proxy.mapFromSource(proxy.sourceModel().index(row, FILE)).row()
        if now < 0 or now == before:
            return
        self.updateGeometries()  # the scroll range of the rearranged list
        step = 1 if self.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem \
            else self.verticalHeader().defaultSectionSize()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + (now - before) * step)

    def moveCursor(self, action: QAbstractItemView.CursorAction,  # noqa: N802 (Qt API)
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home and End go to the list's first and last rows, with Ctrl or without, in the
        current column: a table's Home and End move along the row, and a row is selected
        whole, so they would do nothing."""
        ends = {QAbstractItemView.CursorAction.MoveHome: 0,
                QAbstractItemView.CursorAction.MoveEnd: self.model().rowCount() - 1}
        if action not in ends:
            return super().moveCursor(action, modifiers)
        column = self.currentIndex().column()
        return self.model().index(ends[action], FILE if column < 0 else column)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """A current row in sight stays in sight as the list's height changes: the whole
        field shows under the list once a cell of a field is selected, after the list has
        scrolled to that cell, and takes the height its row may stand in."""
        resize_keeping_in_sight(self, self.currentIndex(), event, self._resize_rows)

    def _resize_rows(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _compact_row(self) -> int:
        """The height of a row in a list too short for LEAST_ROWS rows as tall as their
        thumbnails: a line of text."""
        return self.fontMetrics().lineSpacing() + ROW_PADDING

    def _fit_rows(self) -> None:
        """Make the rows as tall as their thumbnails while LEAST_ROWS of them fit in view,
        else a line high, the thumbnails shrunk: a technician reviewing in a short window
        (640 x 400 at 200 %) reads several rows, not one."""
        full = THUMB_SIZE + ROW_PADDING
        height = full if self.viewport().height() >= LEAST_ROWS * full else self._compact_row()
        if height != self.verticalHeader().defaultSectionSize():
            self.verticalHeader().setDefaultSectionSize(height)
            self.setIconSize(QSize(height - ROW_PADDING, height - ROW_PADDING))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """LEAST_ROWS rows of a line in view between the titles and the scroll bar a list
        narrower than its columns has, however short the window: the whole field under the
        list gives way."""
        least = super().minimumSizeHint()
        height = (self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
                  + LEAST_ROWS * self._compact_row()
                  + self.horizontalScrollBar().sizeHint().height())
        return least.expandedTo(QSize(least.width(), height))

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 (Qt API)
        """Typed letters never move the selection: P, U and Space review, and when a review
        key does nothing (no cell, an unreadable file) the cell stays selected."""

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
            self.select_top()

    def select_top(self) -> None:
        """Make the first row current and show the top of the list. Rows streaming in keep
        the first row current until the technician moves, so a list sorted by P shows its
        most suspicious cells, their keys on the top one, when a screening ends."""
        self.setCurrentIndex(self.model().index(0, FILE))
        self._at_top = True
        self.scrollToTop()

    def scroll_to_current(self, *_) -> None:
        """Bring the current row into view at once, e.g. after a sort or a filter change (Qt
        keeps the scroll offset, and the selected cell can sit out of sight). Qt lays the
        changed rows out later, and a scroll before that stops at the old list's end, so the
        layout is brought up to date first."""
        self.updateGeometries()
        self.scrollTo(self.currentIndex())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self.model().rowCount() == 0:
            paint_empty(self)
