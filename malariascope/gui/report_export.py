"""The CSV report of a window's batch, written in a worker, told by the controller's
signals (progress, idle, message, export_finished, export_failed)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from malariascope.core.case import Case, SignOff
from malariascope.gui.snapshot import BatchSnapshot
from malariascope.gui.workers import Worker, earlier_kept, export_rows


class ReportExport:
    """The one CSV export of ``controller``'s batch that may run at a time (the window's
    ScreeningController, not imported here: it imports this module)."""

    def __init__(self, controller: QObject) -> None:
        self._controller = controller
        self._running: Worker | None = None

    @property
    def running(self) -> bool:
        return self._running is not None

    def start(self, path: Path, overwrite: bool) -> None:
        """Write the core's CSV report of the batch as it is now, in a worker."""
        controller = self._controller
        snapshot = controller.batch.snapshot()
        worker = Worker(export_rows, Path(path), snapshot, overwrite,
                        controller.unlike.current(), controller.not_screened(),
                        controller.extent.copies, _sign_off(controller.batch.case))
        worker.yielded.connect(lambda done_total: controller.progress.emit(
            f"Exporting {done_total[0]:,} / {done_total[1]:,}", *done_total))
        worker.returned.connect(lambda written: self._on_exported(written, snapshot))
        # Each worker's ending is checked against the export running now: the ``finished``
        # of the previous one can arrive after the next has started.
        worker.errored.connect(lambda exc: self._on_stopped(worker, str(exc), exc))
        worker.finished.connect(lambda: self._on_stopped(
            worker, "Export cancelled; no report written"))
        self._running = worker
        controller.progress.emit("Exporting…", 0, len(controller.batch))
        controller.workers.start(worker)

    def cancel(self) -> None:
        if self._running is not None:
            self._running.quit()

    def _on_exported(self, path: Path, snapshot: BatchSnapshot) -> None:
        controller, self._running = self._controller, None
        missed = controller.batch.exported(snapshot)
        controller.idle.emit()
        controller.message.emit(f"Report written: {path}" + (
            " (without the changes made while it was written: export again to include them)"
            if missed else ""))
        controller.export_finished.emit(str(path))

    def _on_stopped(self, worker: Worker, reason: str, failure: Exception | None = None
                    ) -> None:
        if self._running is not worker:
            return  # already reported (finished follows returned and errored)
        controller, self._running = self._controller, None
        controller.idle.emit()
        controller.message.emit(reason)
        if failure is not None:
            controller.export_failed.emit(reason, earlier_kept(failure))


def _sign_off(case: Case) -> SignOff | None:
    """Who signed ``case`` and when, and its amendments before, once it is signed."""
    return None if case.signed is None else SignOff(case.signed.signature, case.amendments)
