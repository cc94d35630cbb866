"""The window's status bar: the latest message, the long work's progress, the model in use.

It listens to the controller only; the progress and its Cancel button show while something
cancellable runs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from malariascope.gui.controller import ScreeningController

NOTE_MS = 15_000  # how long a message stays


class TaskStatus(QWidget):
    """A progress bar (busy indicator while the total is unknown) and a Cancel button."""

    def __init__(self, controller: ScreeningController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.progress = QProgressBar()
        self.progress.setMinimumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current batch of cells (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(controller.cancel)
        controller.progress.connect(self._on_progress)
        controller.idle.connect(self._on_idle)
        self.hide()

    def _on_progress(self, text: str, done: int, total: int) -> None:
        self.progress.setRange(0, total)  # total 0: a busy indicator
        self.progress.setValue(done)
        self.progress.setFormat(text)
        self.progress.setToolTip(text)
        self.show()

    def _on_idle(self) -> None:
        if not (self.controller.screening or self.controller.exporting):
            self.hide()


class StatusBar(QStatusBar):
    """Messages of the controller (and of :meth:`note`), :class:`TaskStatus` and the model."""

    def __init__(self, controller: ScreeningController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.task_status = TaskStatus(controller)
        self.model_label = QLabel("Loading model…")
        self.addPermanentWidget(self.task_status)
        self.addPermanentWidget(self.model_label)
        controller.message.connect(self.note)
        controller.progress.connect(lambda text, *_: self.showMessage(text))
        controller.model_ready.connect(self._on_model_ready)
        controller.model_failed.connect(self._on_model_failed)

    def note(self, text: str) -> None:
        """Show ``text`` for a while."""
        self.showMessage(text, NOTE_MS)

    def _on_model_ready(self, name: str) -> None:
        self.model_label.setText(f"Model: {name}")
        self.note(f"Model ready: {name} (loaded in {self.controller.model_seconds:.1f} s)")

    def _on_model_failed(self, reason: str) -> None:
        self.model_label.setText("No model")
        self.showMessage(reason)
