"""The progress of an adaptation in the window: cells read, then fitting steps done of all,
with the time left; Cancel stops the worker at its next step, until the model is written."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import SIGNAL, SLOT, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QPushButton, QWidget

WRITING = "writing"  #: the stage past which Cancel is refused: the model is being written
STAGES = {
    "reading": "Reading the lab's cells: {done:,} read",
    "measuring": ("Measuring the adapted model on fields or slides it was not fitted on, "
                  "each held out in turn: step {done} of {total}"),
    "fitting": "Fitting the adapted model on all the lab's cells: step {done} of {total}",
    WRITING: "Writing the adapted model… It can no longer be cancelled.",
}
STEADY_STEPS = 2  #: steps timed after the first before a time left is given


class AdaptationCancelled(Exception):
    """The technician pressed Cancel while the lab's cells were read or measured."""


class AdaptProgress(QObject):
    """A window-modal progress dialog fed from the adaptation's worker thread by
    :meth:`report`, which raises :class:`AdaptationCancelled` once Cancel is pressed.

    Cancel (its button, Escape, or closing the dialog) and the report of the ``writing``
    stage take one lock: either Cancel comes first and the model is not written, or the
    writing does and Cancel is refused, its button disabled and the dialog saying so.
    """

    moved = Signal(str, int, int)  # stage, done, total (0: unknown)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.bar = QProgressDialog(parent)
        label = QLabel()
        label.setWordWrap(True)  # a stage's words wrap rather than widen the dialog
        self.bar.setLabel(label)
        self.bar.setLabelText("Reading the lab's cells…")
        self.cancel_button = QPushButton("Cancel")
        self.bar.setCancelButton(self.cancel_button)
        self.bar.setRange(0, 0)
        self.bar.setWindowTitle("Adapt to this lab")
        self.bar.setWindowModality(Qt.WindowModality.WindowModal)
        self.bar.setMinimumDuration(0)
        self.bar.setAutoReset(False)  # the last step is followed by writing the model
        self.bar.setMinimumWidth(520)
        self._lock = threading.Lock()
        self._stopped = self._writing = False  # under the lock
        self._first: tuple[float, int] | None = None  # when the first step was done
        # Cancel closes the dialog only when :meth:`_on_cancel` honours it
        QObject.disconnect(self.bar, SIGNAL("canceled()"), self.bar, SLOT("cancel()"))
        self.bar.canceled.connect(self._on_cancel)
        self.bar.installEventFilter(self)  # closing the dialog is a Cancel, honoured or not
        self.moved.connect(self._on_moved)

    def report(self, stage: str, done: int, total: int) -> None:
        """Called in the worker thread: pass the progress on, or stop after Cancel."""
        with self._lock:
            if self._stopped:
                raise AdaptationCancelled
            if stage == WRITING:
                self._writing = True
        self.moved.emit(stage, done, total)

    def close(self) -> None:
        self.bar.reset()
        self.bar.deleteLater()
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Closing the dialog (its title bar, Alt+F4) asks to cancel; only an honoured
        Cancel hides it, as :meth:`_on_cancel` does."""
        if watched is self.bar and event.type() == QEvent.Type.Close:
            event.ignore()
            self._on_cancel()
            return True
        return super().eventFilter(watched, event)

    def _on_cancel(self) -> None:
        """Stop at the next step, unless the model is being written: then nothing changes."""
        with self._lock:
            self._stopped = not self._writing
        if self._stopped:
            self.bar.cancel()

    def _on_moved(self, stage: str, done: int, total: int) -> None:
        if self.bar.wasCanceled():  # steps already on their way when Cancel was pressed
            return
        self.cancel_button.setEnabled(stage != WRITING)
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
