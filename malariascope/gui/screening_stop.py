"""How a window's screening stops: Cancel, and the additions waiting their turn that a stop
gives up: the stopping half of :class:`~malariascope.gui.controller.ScreeningController`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from malariascope.core.extent import Extent
    from malariascope.gui.report_export import ReportExport
    from malariascope.gui.workers import Worker


class ScreeningStop:
    """Mixin of the controller: Cancel, and the additions a stop gives up, which join the
    extent as never screened. The controller gives it its extent, screening worker, export,
    queue of additions (``waiting``: paths, recursive, mode) and signals."""

    extent: Extent
    waiting: list
    idle: SignalInstance
    progress: SignalInstance
    message: SignalInstance
    _screening: Worker | None
    _export: ReportExport
    _given_up: list[list[Path]]

    def extent_now(self) -> Extent:
        """The batch's extent with the additions waiting their turn, or given up by a stop,
        among its inputs, cut short before any of their files were counted (as a save of the
        batch holds it)."""
        additions = [*(paths for paths, _, _ in self.waiting), *self._given_up]
        if not (never := [path for paths in additions for path in paths]):
            return self.extent
        return self.extent.with_inputs(never, files=0).cut_short_at(never)

    def _give_up_waiting(self) -> None:
        """Screen none of the additions waiting: they join the extent as never screened when
        the screening stopping has ended, its last results counting only its own files."""
        self._given_up += [paths for paths, _, _ in self.waiting]
        self.waiting = []

    def _keep_given_up(self) -> None:
        """Put the additions given up in the extent, as never screened."""
        self.extent, self._given_up = self.extent_now(), []

    @property
    def stopping(self) -> bool:
        """True from Cancel until the screening asked to stop has ended."""
        return self._screening is not None and self._screening.abort_requested

    def cancel(self) -> None:
        """Stop screening and export; results so far stay in the batch. A screening says at
        once that it is stopping: the image in hand stops at its next step, not screened."""
        self._cancel_screening()
        self._export.cancel()
        if self.stopping:
            self.progress.emit("Stopping…", 0, 0)
            self.message.emit("Stopping the screening: an image it is screening is left not "
                              "screened (File > Screen the rest screens it)")

    def _cancel_screening(self) -> None:
        waited = bool(self.waiting)
        self._give_up_waiting()  # before idle: nothing is left to do
        if self._screening is not None:
            self._screening.quit()
        elif waited:
            self._keep_given_up()
            self.idle.emit()
