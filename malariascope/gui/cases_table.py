"""The register's cases as a table: one row per case, as the lab finds it again.

A read-only Qt model over the :class:`~malariascope.core.register.CaseSummary` list a search
returns; the register dialog shows it. Figures are those last saved (the signed ones once
signed), so an open case shows how far it has got.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from malariascope.core.clock import local_time
from malariascope.core.parasitemia import percent_text

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CaseSummary

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Slide", "Patient", "Date", "Status", "Cells", "Parasitemia", "Reviewer", "Signed")
NUMERIC = frozenset({"Cells", "Parasitemia"})


def cell_text(case: CaseSummary, column: str) -> str:
    """What the table shows of ``case`` under ``column``."""
    result, signature = case.result, case.signature
    if column == "Slide":
        return case.facts.sample_id
    if column == "Patient":
        return case.facts.patient_id
    if column == "Date":
        return case.date
    if column == "Status":
        return case.status_text + (f", amended {case.amendments}×" if case.amendments else "")
    if column == "Cells":
        return "" if result is None else f"{result.cells_counted:,}"
    if column == "Parasitemia":
        percent = percent_text(result.parasitemia if result else None)
        return f"{percent} %" if percent else ""
    if column == "Reviewer":
        return signature.name if signature else case.facts.operator
    return local_time(signature.signed_at) if signature else ""


class CasesTableModel(QAbstractTableModel):
    """The cases a search found, newest change first, as the register lists them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cases: list[CaseSummary] = []

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.beginResetModel()
        self.cases = list(cases)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self.cases[index.row()], column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None
