"""The rows of the table as shown: one :class:`Filter` at a time, sorted by one column.

Qt's QSortFilterProxyModel asks the model for a key at every comparison of a sort, each a call
into Python: seconds for 20,000 cells, at every threshold step or filter change of a list
sorted by a call. Here the filter and the sort are worked out in Python in one pass (one key
per row, then Python's sort), and the view is told of the new order as a layout change, which
keeps the selection on its cells.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QPersistentModelIndex, Qt

from malariascope.core.words import counted
from malariascope.gui.results_table import HEADERS, SORT_ROLE, THUMB, ResultsTableModel

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = len(HEADERS)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
NO_CELLS = "Open images or a folder (Ctrl+O, Ctrl+Shift+O), or drop them here"


class Filter(enum.Enum):
    """The filters of the batch view, in toolbar order."""

    ALL = "All"
    PARASITIZED = "Parasitized"
    UNINFECTED = "Uninfected"
    UNCERTAIN = "Uncertain"
    UNREVIEWED = "Unreviewed"
    ERRORS = "Errors"
    TO_REVIEW = "To review"  # the review queue: suspects without a decision yet


class ResultsFilterProxy(QAbstractProxyModel):
    """The source rows that pass the filter, in the order of the sort column (file order when
    none); rows follow reviews and threshold changes at once."""

    def __init__(self, source: ResultsTableModel, parent=None) -> None:
        super().__init__(parent)
        self.batch = source.batch
        self._filter = Filter.ALL
        self._sort: tuple[int, bool] | None = None  # column, descending; None: file order
        self._shown: list[int] = []  # source rows, in view order
        self._at: dict[int, int] = {}  # source row -> view row
        self._superseded = 0  # rows the batch held superseded when they were arranged
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_reset)
        source.rowsInserted.connect(self._on_inserted)
        source.dataChanged.connect(self._on_data_changed)
        self._arrange()

    # -- what is shown -------------------------------------------------------------------
    def set_filter(self, mode: Filter) -> None:
        if mode != self._filter:
            self._filter = mode
            self._rearrange()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: file order), as a click on its header asks."""
        self._sort = None if column < 0 else (column, order == Qt.SortOrder.DescendingOrder)
        self._rearrange()

    def _accepts(self, source_row: int) -> bool:
        """Whether the filter shows ``source_row``; no filter shows a row a later one
        supersedes (a file that could not be read, screened again since)."""
        mode, batch = self._filter, self.batch
        if batch.superseded(source_row):
            return False
        if mode is Filter.ALL:
            return True
        ok = batch.results[source_row].ok
        if mode is Filter.ERRORS:
            return not ok
        if not ok:
            return False
        if mode is Filter.UNCERTAIN:
            return batch.uncertain(source_row)
        if mode is Filter.UNREVIEWED:
            return not batch.reviewed(source_row)
        if mode is Filter.TO_REVIEW:  # a cell marked unsure waits for a second reader
            return batch.suspect(source_row) and batch.decision(source_row) is None
        return batch.final_call(source_row) == mode.value.lower()

    def why_empty(self) -> str:
        """What a list showing no row says in its place: how to add cells, or why the filter
        shows none (the review queue tells an emptied queue from a slide nothing flagged)."""
        batch = self.batch
        if not len(batch):
            return NO_CELLS
        if self._filter is not Filter.TO_REVIEW:
            return "No cells match the filter"
        counts = batch.counts
        if not counts.classified:
            return f"No cells to review: {counts.without_call.none_called()} (see Errors)"
        # while screening: so far; a cell marked unsure is flagged by its mark
        if not (counts.model_parasitized or counts.uncertain or counts.unreviewed_flagged):
            return (f"No cells flagged: the model called none of the "
                    f"{counted(counts.classified, 'cell')} screened parasitized or uncertain")
        unsure = counts.unsure  # with the queue empty, the only flagged cells unreviewed
        if not unsure:
            return "Nothing left to review: every flagged cell has a reviewer's call"
        return (f"Nothing left to review: {counted(unsure, 'flagged cell')} marked unsure "
                f"wait{'s' if unsure == 1 else ''} for a second reader, and every other "
                "flagged cell has a reviewer's call")

    def _arrange(self) -> None:
        rows = [row for row in range(self.sourceModel().rowCount()) if self._accepts(row)]
        if self._sort is not None:
            column, descending = self._sort
            key = self.sourceModel().value
            rows.sort(key=lambda row: key(row, column, SORT_ROLE), reverse=descending)
        self._shown = rows
        self._at = {row: at for at, row in enumerate(rows)}
        self._superseded = self.batch.superseded_rows

    def _rearrange(self) -> None:
        """Filter and sort again; selected and current rows stay on their cells (those the
        filter now hides lose them: see ``ResultsView``)."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        cells = [(self._shown[index.row()], index.column()) for index in kept]
        self._arrange()
        self.changePersistentIndexList(kept, [self._index_of(row, column)
                                              for row, column in cells])
        self.layoutChanged.emit()

    def source_row(self, at: int) -> int:
        """The source row shown at view row ``at`` (no index objects: painting asks often)."""
        return self._shown[at]

    def source_rows(self, start: int = 0) -> list[int]:
        """The source rows shown from view row ``start`` on, in view order (a copy)."""
        return self._shown[start:]

    def _in_file_order(self) -> bool:
        """True when the list shows the rows in the order they were screened."""
        return self._sort is None or self._sort == (THUMB, False)

    def _index_of(self, source_row: int, column: int) -> QModelIndex:
        at = self._at.get(source_row)
        return QModelIndex() if at is None else self.createIndex(at, column)

    # -- source events -------------------------------------------------------------------
    def _on_reset(self) -> None:
        self._arrange()
        self.endResetModel()

    def _on_inserted(self, parent: _Index, first: int, last: int) -> None:
        """Rows added at the end of the batch: appended when the list is in file order, else
        put in their places."""
        if not self._in_file_order() or self.batch.superseded_rows != self._superseded:
            self._rearrange()
            return
        new = [row for row in range(first, last + 1) if self._accepts(row)]
        if new:
            start = len(self._shown)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._shown.extend(new)
            self._at.update((row, start + i) for i, row in enumerate(new))
            self.endInsertRows()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         roles: list[int] | None = None) -> None:
        """A review or a threshold change may move rows in or out of the filter, or in the
        sort; a thumbnail moves nothing."""
        left, right = top_left.column(), bottom_right.column()
        sorted_by_it = self._sort is not None and left <= self._sort[0] <= right
        if right > THUMB and (self._filter is not Filter.ALL or sorted_by_it):
            self._rearrange()
        if top_left.row() == bottom_right.row():
            shown = self._index_of(top_left.row(), left)
            if shown.isValid():
                self.dataChanged.emit(shown, shown.siblingAtColumn(right), roles or [])
        elif self._shown:
            self.dataChanged.emit(self.index(0, left), self.index(len(self._shown) - 1, right),
                                  roles or [])

    # -- QAbstractProxyModel -------------------------------------------------------------
    def mapToSource(self, proxy_index: _Index) -> QModelIndex:  # noqa: N802 (Qt API)
        if not proxy_index.isValid() or proxy_index.row() >= len(self._shown):
            return QModelIndex()
        return self.sourceModel().index(self._shown[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:  # noqa: N802 (Qt API)
        if not source_index.isValid():
            return QModelIndex()
        return self._index_of(source_index.row(), source_index.column())

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._shown)) or not (
                0 <= column < COLUMNS):  # a constant: layouts ask for every row
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, *child: _Index):  # parent(): the QObject; parent(index): none, a table
        return QModelIndex() if child else super().parent()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: _Index, role: int = 0):
        """The source's value, read directly: painting asks for every role of every cell
        shown, and Qt's default would go through ``mapToSource`` each time."""
        if not index.isValid() or index.row() >= len(self._shown):  # e.g. an index kept
            return None  # across a filter change (not a persistent one)
        return self.sourceModel().value(self._shown[index.row()], index.column(), role)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802 (Qt API)
        return not parent.isValid() and bool(self._shown)  # Qt's default asks the source

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):  # noqa: N802
        """The source's column titles, also when no row is shown (Qt's default maps them
        through the first row)."""
        if orientation == Qt.Orientation.Horizontal:
            return self.sourceModel().headerData(section, orientation, role)
        return None
