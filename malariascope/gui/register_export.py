"""The register dialog's exports: the cases selected, or all those listed, as CSV for a lab
information system.

The export is the core's (``Register.export_csv``), run in a worker: atomic, and never over a
file the technician did not agree to replace. A failure is told in a box that offers another
location, as the window's own exports do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QLabel, QWidget

from malariascope.core.words import counted
from malariascope.gui import dialogs, file_dialogs
from malariascope.gui.workers import Worker

if TYPE_CHECKING:
    from malariascope.core.register import CaseQuery, Register
    from malariascope.gui.workers import WorkerGroup

WHAT = "CSV of cases"
KEPT = "The register is as it was, and so is any earlier file of that name."


class ListedCases(Protocol):
    """What an export needs of the register dialog (``gui.register_dialog``): the query of
    the cases it lists, its register, workers and note, and the signals telling how it went."""

    register: Register
    workers: WorkerGroup
    note: QLabel
    exported: SignalInstance  # (path, cases written)
    failed: SignalInstance  # (reason)

    def export_query(self, selected: bool) -> CaseQuery | None: ...  # None: nothing listed


class RegisterExport(QObject):
    """Exports of the cases ``dialog`` lists; it says how each went in its note and in its
    ``exported`` and ``failed`` signals, and asks its questions over ``parent``."""

    def __init__(self, dialog: ListedCases, parent: QWidget) -> None:
        super().__init__(parent)
        self._dialog, self._parent = dialog, parent

    def choose(self, selected: bool) -> None:
        """Ask where to write the selected cases, or all those listed, then write them;
        nothing while no search listed any (see ``export_query``)."""
        query = self._dialog.export_query(selected)
        if query is not None:
            self._choose(query)

    def _choose(self, query: CaseQuery, name: str = "") -> None:
        """Ask where to write the cases of ``query`` (offering ``name``, the one a failed
        export was given), then write them there."""
        chosen = file_dialogs.ask_report_path(self._parent, "cases", name=name)
        if chosen:
            path, overwrite = chosen
            self._write(path, query, overwrite)

    def export_to(self, path: str | os.PathLike[str], selected: bool,
                  overwrite: bool = False) -> None:
        """Write the selected cases, or all those listed, to ``path`` as CSV, in a worker;
        nothing while no search listed any."""
        query = self._dialog.export_query(selected)
        if query is not None:
            self._write(Path(path), query, overwrite)

    def _write(self, path: Path, query: CaseQuery, overwrite: bool) -> None:
        # the core records the export while it writes: a window killed meanwhile is told
        # at the next start (``core.unfinished``)
        worker = Worker(self._dialog.register.export_csv, path, query, overwrite)
        worker.returned.connect(lambda count: self._on_exported(str(path), count))
        worker.errored.connect(lambda exc: self._on_failed(exc, path.name, query))
        self._dialog.workers.start(worker)

    def _on_exported(self, path: str, count: int) -> None:
        self._dialog.note.setText(f"{counted(count, 'case')} written to {path}")
        self._dialog.exported.emit(path, count)

    def _on_failed(self, exc: Exception, name: str, query: CaseQuery) -> None:
        """Say why; another location offered writes the cases that failed, whatever the
        list shows or selects by then."""
        self._dialog.failed.emit(str(exc))
        dialogs.export_failed(self._parent, str(exc), what=WHAT, kept=KEPT,
                              retry=lambda: self._choose(query, name))
