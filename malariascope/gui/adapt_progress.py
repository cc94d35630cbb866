"""The progress of an adaptation in the window: cells read, then fitting steps done of all,
with the time left; Cancel stops the worker at its next step."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

STAGES = {
    "reading": "Reading the lab's cells: {done:,} read",
    "measuring": ("Measuring the adapted model on fields or slides it was not fitted on, "
                  "each held out in turn: step {done} of {total}"),
    "fitting": "Fitting the adapted model on all the lab's cells: step {done} of {total}",
    "writing": "Writing the adapted model…",
}
STEADY_STEPS = 2  #: steps timed after the first before a time left is given


class AdaptationCancelled(Exception):
    """The technician pressed Cancel while the lab's cells were read or measured."""


class AdaptProgress(QObject):
    """A window-modal progress dialog fed from the adaptation's worker thread by
    :meth:`report`, which raises :class:`AdaptationCancelled` once Cancel is pressed."""

    moved = Signal(str, int, int)  # stage, done, total (0: unknown)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.bar = QProgressDialog(parent)
        label = QLabel()
        label.setWordWrap(True)  # a stage's words wrap rather than widen the dialog
        self.bar.setLabel(label)
        self.bar.setLabelText("Reading the lab's cells…")
        self.bar.setCancelButtonText("Cancel")
        self.bar.setRange(0, 0)
        self.bar.setWindowTitle("Adapt to this lab")
        self.bar.setWindowModality(Qt.WindowModality.WindowModal)
        self.bar.setMinimumDuration(0)
        self.bar.setAutoReset(False)  # the last step is followed by writing the model
        self.bar.setMinimumWidth(520)
        self._stop = threading.Event()
        self._first: tuple[float, int] | None = None  # when the first step was done
        self.bar.canceled.connect(self._stop.set)
        self.moved.connect(self._on_moved)

    def report(self, stage: str, done: int, total: int) -> None:
        """Called in the worker thread: pass the progress on, or stop after Cancel."""
        if self._stop.is_set():
            raise AdaptationCancelled
        self.moved.emit(stage, done, total)

    def close(self) -> None:
        self.bar.reset()
        self.bar.deleteLater()
        self.deleteLater()

    def _on_moved(self, stage: str, done: int, total: int) -> None:
        if self.bar.wasCanceled():  # steps already on their way when Cancel was pressed
            return
        text = STAGES.get(stage, stage).format(done=done, total=total)
        if total:
            if done and self._first is None:
                self._first = (time.monotonic(), done)
            text += self._time_left(done, total)
        self.bar.setLabelText(text)
        self.bar.setMaximum(total)
        self.bar.setValue(done if total else 0)

    def _time_left(self, done: int, total: int) -> str:
        """"About N minutes left" from the pace of the steps after the first, which carries
        the set-up; nothing before ``STEADY_STEPS`` of them are done, as one step is noise."""
        if self._first is None or done - self._first[1] < STEADY_STEPS:
            return ""
        started, at = self._first
        left = (time.monotonic() - started) / (done - at) * (total - done)
        if left < 60:
            return "\nLess than a minute left"
        return f"\nAbout {round(left / 60)} minute{'s' if round(left / 60) != 1 else ''} left"
