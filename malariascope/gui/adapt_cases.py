"""The signed cases of the case register, for the "Adapt to this lab" form to add: listed as
the register dialog lists cases (slide, dates, cells, reviewer), and only signed ones, as an
open case's calls may still change. The register is read in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from malariascope.core.words import counted
from malariascope.gui.cases_table import CasesTableModel, CasesView, cell_text
from malariascope.gui.dialogs import ok_cancel
from malariascope.gui.workers import Worker, WorkerGroup

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CaseSummary

ONLY_SIGNED = "Only signed cases are listed: an open case's calls may still change."


def case_words(case: CaseSummary) -> str:
    """``case`` as the form lists it among the lab's cells: its slide, date, cells and
    signer, and the start of its uid, as ``cases list`` shows it."""
    slide = case.facts.sample_id or "with no slide id"
    return (f"Register case {slide}, {case.date}, {cell_text(case, 'Cells') or 0} cells, "
            f"signed by {cell_text(case, 'Reviewer')} ({case.uid[:8]})")


class SignedCasesDialog(QDialog):
    """The signed cases of the register in ``folder``, listed by :meth:`load`; those
    selected when it is accepted are :meth:`chosen`."""

    listed = Signal(int)  # the signed cases found

    def __init__(self, folder: Path, workers: WorkerGroup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signed cases to adapt to")
        self.folder, self.workers = folder, workers
        self.model = CasesTableModel(self)
        self.table = CasesView(self.model)
        self.table.open_asked.connect(self._accept_chosen)
        self.note = QLabel("Reading the case register…")
        buttons, self.add_button = ok_cancel(self, "&Add", self._accept_chosen)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(ONLY_SIGNED))
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._enable()
        self.resize(820, 420)

    def load(self) -> None:
        """List the register's signed cases, read in a worker."""
        from malariascope.core.adapt.registered import signed_cases

        worker = Worker(signed_cases, self.folder)
        worker.returned.connect(self._on_listed)
        worker.errored.connect(self._on_list_failed)  # a method: dropped if the form went
        self.workers.start(worker)

    def chosen(self) -> list[CaseSummary]:
        """The cases selected, in the order shown."""
        shown = sorted(self.table.selectionModel().selectedRows(), key=lambda index: index.row())
        return [self.model.cases[index.row()] for index in shown]

    def _on_listed(self, cases: list[CaseSummary]) -> None:
        self.model.set_cases(cases)
        self.table.size_columns()
        self.note.setText(f"{counted(len(cases), 'signed case')}; select those to adapt to")
        self.listed.emit(len(cases))

    def _on_list_failed(self, exc: Exception) -> None:
        self.note.setText(f"Cannot list the cases: {exc}")

    def _enable(self, *_: object) -> None:
        self.add_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _accept_chosen(self) -> None:
        if self.chosen():
            self.accept()
