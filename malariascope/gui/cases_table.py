"""The register's cases as a table: one row per case, as the lab finds it again.

A read-only Qt model over the :class:`~malariascope.core.register.CaseSummary` list a search
returns, and the view the register dialog shows it in. Figures are those last saved (the
signed ones once signed), so an open case shows how far it has got. Each date has its own
column (the time the case was opened, the slide's collection date, the signature's time), and
every column sorts by value (:func:`sort_key`): times as instants, figures as numbers. The
model sorts itself, one key a case: Qt's sorting proxy asks Python for two keys at every
comparison, 2 s of the UI thread for the 22,500 signed cases of a year.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from malariascope.core.case import twin_place
from malariascope.core.clock import local_time, utc_minute
from malariascope.core.tally import percent_text

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CaseSummary

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Slide", "Patient", "Opened", "Collected", "Status", "Cells", "Parasitemia",
           "Reviewer", "Signed")
NUMERIC = frozenset({"Cells", "Parasitemia"})
#: the widest of a column of typed text, in average characters: a long slide or patient id
#: is cut (its whole text in the row's tooltip), so the columns after it stay in view
COLUMN_CHARS = 24
TYPED = ("Slide", "Patient", "Reviewer")
OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: the rows, besides those on show, whose texts a column is sized to: each is read in every
#: column, on the UI thread, at every list (0.15 s for 500 rows at Qt's default of 1,000)
SIZED_ROWS = 100


def cell_text(case: CaseSummary, column: str, screening: str | None = None) -> str:
    """What the table shows of ``case`` under ``column``; ``screening``: what the window
    says of the case's screening, when it is the window's case."""
    result, signature = case.result, case.signature
    if column == "Slide":
        return case.facts.sample_id
    if column == "Patient":
        return case.facts.patient_id
    if column == "Opened":  # to the second and its place in it, as a case is named
        return local_time(case.created_at, seconds=True) + twin_place(case.twin)
    if column == "Collected":
        return case.facts.collected_on
    if column == "Status":
        return case.listed_status(screening)
    if column == "Cells":
        return "" if result is None else f"{result.cells_counted:,}"
    if column == "Parasitemia":
        percent = percent_text(result.parasitemia if result else None)
        return f"{percent} %" if percent else ""
    if column == "Reviewer":
        return signature.name if signature else case.facts.operator
    # the signature's time as the printed report and the Case tab give it
    return utc_minute(signature.signed_at) if signature else ""


def sort_key(case: CaseSummary, column: str, screening: str | None = None) -> str | float:
    """What ``case`` sorts by under ``column``: the UTC stamp of a time, a figure as a number
    (-1 for none yet), else the text in any letter case."""
    result, signature = case.result, case.signature
    if column == "Opened":
        return case.created_at
    if column == "Signed":
        return signature.signed_at if signature else ""
    if column in NUMERIC:
        value = None if result is None else (
            result.cells_counted if column == "Cells" else result.parasitemia)
        return -1.0 if value is None else float(value)
    return cell_text(case, column, screening).casefold()


class CasesTableModel(QAbstractTableModel):
    """The cases a search found, in the order of the column last sorted by (as the register
    lists them, the latest changed first, before any)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cases: list[CaseSummary] = []
        self.window_case: tuple[str, str] = ("", "")  # uid, its screening as the window says
        self._order: tuple[str, bool] | None = None  # column, descending

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.beginResetModel()
        self.cases = list(cases)
        self._arrange()
        self.endResetModel()

    def add_cases(self, cases: list[CaseSummary], gone: Collection[str] = ()) -> None:
        """Add ``cases`` to those listed, each in its place in the order; one listed already
        is shown as ``cases`` has it now, and those whose uid is in ``gone`` (no longer
        found) leave. Selected rows stay on their cases."""
        for row in reversed(range(len(self.cases))):
            if self.cases[row].uid in gone:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.cases[row]
                self.endRemoveRows()
        row_of = {case.uid: row for row, case in enumerate(self.cases)}
        new = [case for case in cases if case.uid not in row_of]
        for case in cases:
            if case.uid in row_of:
                self.cases[row_of[case.uid]] = case
        if len(new) < len(cases):
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.cases) - 1, len(COLUMNS) - 1))
        if new:
            self.beginInsertRows(QModelIndex(), len(self.cases), len(self.cases) + len(new) - 1)
            self.cases += new
            self.endInsertRows()
        self._rearrange()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``'s values, as a click on its heading asks."""
        self._order = (COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        self._rearrange()

    def _rearrange(self) -> None:
        """Sort again; selected rows stay on their cases."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        cases = [(self.cases[index.row()], index.column()) for index in kept]
        self._arrange()
        row_of = {id(case): row for row, case in enumerate(self.cases)}
        self.changePersistentIndexList(kept, [self.index(row_of[id(case)], column)
                                              for case, column in cases])
        self.layoutChanged.emit()

    def _arrange(self) -> None:
        if self._order is None:
            return
        column, descending = self._order
        self.cases.sort(key=lambda case: sort_key(case, column, self._screening(case)),
                        reverse=descending)

    def _screening(self, case: CaseSummary) -> str | None:
        """What the window says of ``case``'s screening, when it is the window's case."""
        uid, words = self.window_case
        return words if uid and case.uid == uid else None

    def set_window_case(self, uid: str, screening: str) -> None:
        """Say of case ``uid``, the window's, what the window says of its screening now
        ("screening", "partial" or ""), not what the register had of it when listed."""
        if (uid, screening) != self.window_case:
            self.window_case = (uid, screening)
            if not self.cases:
                return
            column = COLUMNS.index("Status")
            self.dataChanged.emit(self.index(0, column), self.index(len(self.cases) - 1, column))
            if self._order is not None and self._order[0] == "Status":  # its key moved
                self._rearrange()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column, case = COLUMNS[index.column()], self.cases[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(case, column, self._screening(case))
        if role == Qt.ItemDataRole.ToolTipRole and column in TYPED:
            return cell_text(case, column, self._screening(case)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class CasesView(QTableView):
    """The cases of ``model`` a row each, the latest opened first; a click on a heading sorts
    by that column's values (:func:`sort_key`).

    ``open_asked`` is emitted by a double-click on a row and by Enter or Return in the list
    (as it is let go), on every platform. The list keeps those keys, so they never reach a
    button of its dialog.
    """

    open_asked = Signal()

    def __init__(self, model: CasesTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cases = model
        self.setModel(model)
        self.setSortingEnabled(True)
        self.sortByColumn(COLUMNS.index("Opened"), Qt.SortOrder.DescendingOrder)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
        self.doubleClicked.connect(lambda _: self.open_asked.emit())

    def size_columns(self) -> None:
        """Size the columns to the rows on show, those of typed text no wider than
        :data:`COLUMN_CHARS`."""
        self.resizeColumnsToContents()
        widest = self.fontMetrics().averageCharWidth() * COLUMN_CHARS
        for column in map(COLUMNS.index, TYPED):
            self.setColumnWidth(column, min(self.columnWidth(column), widest))

    def set_cases(self, cases: list[CaseSummary]) -> None:
        """List ``cases`` in place of those listed, the cases selected among them still
        selected: a case clicked in the list as a search lands (one the dialog asks as it
        is shown, its last list on show meanwhile) stays the case Open opens."""
        listed = self._cases.cases
        chosen = {listed[index.row()].uid for index in self.selectionModel().selectedRows()}
        self._cases.set_cases(cases)
        selection = QItemSelection()
        for row, case in enumerate(self._cases.cases):
            if case.uid in chosen:
                selection.select(self._cases.index(row, 0), self._cases.index(row, 0))
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)

    def add_cases(self, cases: list[CaseSummary], gone: Collection[str] = ()) -> None:
        """Add ``cases`` to the list, ``gone`` leaving it (:meth:`CasesTableModel.add_cases`),
        the rows in full view staying in view: the first of them stays where it is (at the
        top, scrolled by rows), wherever the order puts the rows added."""
        top = self.rowAt(0)
        if top >= 0 and self.rowViewportPosition(top) < 0 and top + 1 < len(self._cases.cases):
            top += 1  # cut at the top: the next row is the first in full view
        first = QPersistentModelIndex(self._cases.index(top, 0))
        place = self.rowViewportPosition(top)
        self._cases.add_cases(cases, gone)
        if first.isValid():
            self.updateGeometries()  # the scroll bar's range takes the rows added, now
            bar = self.verticalScrollBar()
            if self.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
                bar.setValue(bar.value() + self.rowViewportPosition(first.row()) - place)
            else:
                bar.setValue(self.verticalHeader().visualIndex(first.row()))

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        """The keys coming in (Tab from the search boxes) select the current row, the first
        when none is, so Enter opens the case the focus shows and Down goes to the next."""
        super().focusInEvent(event)
        rows = self.model().rowCount()
        if event.reason() != Qt.FocusReason.MouseFocusReason and rows and \
                not self.selectionModel().hasSelection():
            self.selectRow(max(self.currentIndex().row(), 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if not _opens(event):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Open as Enter or Return comes up: the question that opening may ask is never
        answered by the key still held down (its auto-repeats press a default button)."""
        if _opens(event) and not event.isAutoRepeat():
            self.open_asked.emit()
        else:
            super().keyReleaseEvent(event)


def _opens(event: QKeyEvent) -> bool:
    """True for Enter or Return with no modifier: the keys that open the selected case."""
    pressed_with = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in OPEN_KEYS and pressed_with == Qt.KeyboardModifier.NoModifier
