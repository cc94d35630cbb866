"""Progress of the long work (screening, export) with its Cancel button, for the status bar.

It listens to the controller only: shown while something cancellable runs, hidden after.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from malariascope.gui.controller import ScreeningController


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
