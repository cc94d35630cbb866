"""File > Export PDF report… and Print report…: the case's printed report, made in a worker.

The pictures are read and the pages laid out off the UI thread; the PDF is written to a
temporary name and renamed into place, never over a file unless the save dialog agreed.
Printing goes through Qt's print dialog (Qt's print support is part of PySide6-Essentials and
of the bundle; imported when first used, as the window paints before it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

from malariascope.core.clock import local_time, utc_now
from malariascope.gui import dialogs, file_dialogs, settings
from malariascope.gui.case_report import ReportOrder, build_report, report_order
from malariascope.gui.learned_mark import learned_warning
from malariascope.gui.workers import Worker, earlier_kept, telling_earlier
from malariascope.qt_locale import locale_page_size


def write_pdf(path: Path, order: ReportOrder, size: str, overwrite: bool) -> Path:
    """The report of ``order`` written as a PDF at ``path`` (in a worker, recorded while it
    is written: see ``write_case_pdf``); a failure is raised as
    :class:`~malariascope.gui.workers.NotWritten`."""
    from malariascope.printing.pdf import write_case_pdf

    with telling_earlier(path):
        return write_case_pdf(path, build_report(order), size, overwrite)


def print_report(printer: object, order: ReportOrder) -> str:
    """The report of ``order`` sent to ``printer`` (in a worker); the printer's name. The
    printer is deleted then: the report's text layouts took it from Python (their
    setPaintDevice), so nothing else would free it and its print engine."""
    import shiboken6

    from malariascope.printing.pdf import print_case

    try:
        print_case(printer, build_report(order))
        return printer.printerName() or "the printer"
    finally:
        shiboken6.delete(printer)


class ReportFlow(QObject):
    """Export PDF report and Print report of the case of ``window`` (MalariaScope's main
    window, whose case, actions, workers and status bar it uses)."""

    message = Signal(str)
    written = Signal(str)  # the PDF's path

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window, self.case, self._workers = window, window.case, window.controller.workers
        self._last_pdf: tuple[tuple, str] | None = None  # what it shows, when it was written
        self.message.connect(window.status.note)
        actions = window.actions
        actions.export_pdf.triggered.connect(
            lambda: self._named_first(self.start_pdf, "exporting the report"))
        actions.print_report.triggered.connect(
            lambda: self._named_first(self.start_print, "printing the report"))

    def _named_first(self, go: Callable[[], object], doing: str) -> None:
        """``go``, after a word when the slide has no id (as before a CSV export): a report
        that names no slide cannot be filed. A box of the case form holding text the case
        refused stops it: the report would not show that fact."""
        if self._window.case_flow.refuse_for_refused_fact(doing):
            return
        if self.case.batch.facts.sample_id.strip():
            go()
        else:
            dialogs.ask_export_without_sample_id(
                self._window, enter=self._window.case_flow.enter_sample_id, export=go)

    def start_pdf(self, name: str = "") -> None:
        """Ask where to write the PDF (offering ``name``), then write it."""
        chosen = file_dialogs.ask_report_path(self._window, self.case.batch.facts.sample_id,
                                              ".pdf", "Export PDF report", name)
        if chosen:
            self.export_pdf(*chosen)

    def export_pdf(self, path: str | os.PathLike[str], overwrite: bool = False,
                   size: str = "") -> None:
        """Write the case's report to ``path`` in a worker (A4, or Letter in the US)."""
        shows = self._shown()
        worker = Worker(write_pdf, Path(path), self._order(), size or locale_page_size(),
                        overwrite)
        worker.returned.connect(lambda written: self._on_written(written, shows))
        worker.errored.connect(lambda exc: dialogs.export_failed(
            self._window, str(exc), retry=lambda: self.start_pdf(Path(path).name),
            what="PDF report", earlier=earlier_kept(exc)))
        self._run(worker, "PDF report not written")

    def start_print(self) -> None:
        """The print dialog, then the report on the printer chosen."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self._window)
        answer = dialog.exec()
        dialog.deleteLater()  # else the window keeps one for every print
        if answer != QPrintDialog.DialogCode.Accepted:
            return
        worker = Worker(print_report, printer, self._order())
        worker.returned.connect(lambda name: self.message.emit(f"Report sent to {name}"))
        worker.errored.connect(lambda exc: dialogs.message(
            self._window, QMessageBox.Icon.Critical, "Report not printed", str(exc)))
        self._run(worker, "Report not printed")

    def pdf_time(self) -> str:
        """When the last PDF was written, in local time, if it shows the case as it is now
        ("" when no PDF does)."""
        if self._last_pdf is None or self._last_pdf[0] != self._shown():
            return ""
        return local_time(self._last_pdf[1])

    def _shown(self) -> tuple:
        """What a report shows of the case now, to tell whether it changed since: the batch
        (its edits count reviews, threshold, slide id and microscopist), its cells, and the
        case's facts and sign-off."""
        batch, case = self.case.batch, self.case.case
        return (batch.number, batch.edits, len(batch), batch.facts, case.facts,
                case.amendments, case.signed)

    def _order(self) -> ReportOrder:
        controller = self._window.controller
        return report_order(self.case.batch, self.case.result(), controller.not_screened(),
                            controller.extent.copies, learned_warning(controller))

    def _run(self, worker: Worker, failed: str) -> None:
        self.message.emit("Laying out the report…")
        worker.errored.connect(lambda _: self.message.emit(failed))  # in place of the above
        self._workers.start(worker)

    def _on_written(self, path: Path, shows: tuple) -> None:
        self._last_pdf = (shows, utc_now())
        if self._window.persist_settings:  # the next report, CSV or PDF, is offered there
            settings.remember_export_folder(path)
        if self.case.case.signed is None:
            self.message.emit(f"PDF written: {path} (a preliminary result: not signed)")
        else:
            self.message.emit(f"PDF written: {path}")
        self.written.emit(str(path))
