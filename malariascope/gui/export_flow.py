"""Export as the technician meets it: an offer to review the uncertain cells first, the choice
of file, a retry when writing fails. The controller writes the report in a worker."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from malariascope.gui import dialogs
from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController


class ExportFlow(QObject):
    """The dialogs around an export of ``batch``, shown over ``window``.

    ``show_unreviewed`` lists the uncertain cells without a final call, for the technician
    who chooses to review them first; ``remember_folder`` False leaves no trace in the
    settings (a smoke test).
    """

    def __init__(self, window: QWidget, batch: Batch, controller: ScreeningController,
                 show_unreviewed: Callable[[], None], remember_folder: bool = True) -> None:
        super().__init__(window)
        self._window, self.batch, self.controller = window, batch, controller
        self._show_unreviewed = show_unreviewed
        self._remember_folder = remember_folder
        controller.export_finished.connect(self._on_exported)
        controller.export_failed.connect(self._on_failed)

    def start(self) -> None:
        """Export, after offering to review the uncertain cells that have no final call."""
        waiting = self.batch.counts.unreviewed_uncertain
        if waiting:
            dialogs.ask_export_unreviewed(self._window, waiting, review=self._show_unreviewed,
                                          export=self._choose_report)
        else:
            self._choose_report()

    def export_to(self, path: str | os.PathLike[str], overwrite: bool = False) -> None:
        """Write the report of the batch (with reviews) in a worker."""
        self.controller.export(Path(path), overwrite)

    def _choose_report(self) -> None:
        chosen = dialogs.ask_report_path(self._window, self.batch.facts.sample_id)
        if chosen:
            self.export_to(*chosen)

    def _on_exported(self, path: str) -> None:
        if self._remember_folder:
            dialogs.remember_export_folder(Path(path))

    def _on_failed(self, reason: str) -> None:
        dialogs.export_failed(self._window, reason, retry=self._choose_report)
