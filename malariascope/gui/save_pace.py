"""When autosave saves the window's case: a review, the threshold and each fact of the case
at once, a fact being typed in a text box within :data:`SAVE_TYPED_MS` (and at once as the box
is left), new cells and the rest within :data:`SAVE_EVERY_MS`.

A save of a case asks the register only for what changed: a fact changed in a case of 2,000
cells, or of 20,000, is a write of a few milliseconds in a worker. Typing is paced all the
same, so a note of a hundred keys is a few saves, not a hundred; changes faster than the saves
are saved together (the write queue keeps one save of the case waiting, holding all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController

SAVE_EVERY_MS = 1000
SAVE_TYPED_MS = 250


class SavePace(QObject):
    """Emits :attr:`due` when the case of ``batch`` is to be saved, while ``saving()``."""

    due = Signal()

    def __init__(self, batch: Batch, controller: ScreeningController,
                 saving: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self._saving = saving
        self._boxes: tuple[QWidget, ...] = ()  # the text boxes typed in (see watch)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.due)
        batch.events.reviewed.connect(self.soon)
        batch.events.facts_changed.connect(self._on_facts)
        batch.events.changed.connect(self.later)  # new cells: saved within a second
        controller.export_finished.connect(self.later)  # the reviews are exported now
        controller.screening_finished.connect(self.later)  # whole or cut short now
        controller.unlike.changed.connect(self.later)  # a limit of the case's result

    @property
    def waiting(self) -> bool:
        """True while a save is due later."""
        return self._timer.isActive()

    def watch(self, boxes: Iterable[QWidget]) -> None:
        """Pace the facts typed in ``boxes`` (the case form's text boxes), saved at once as
        the keys leave one."""
        self._boxes = tuple(boxes)
        QApplication.instance().focusChanged.connect(self._on_focus)

    def soon(self, *_: object) -> None:
        """Save as soon as the window is back in its event loop: a review pressed or a value
        chosen survives a crash a moment later."""
        self._within(0)

    def later(self, *_: object) -> None:
        self._within(SAVE_EVERY_MS)

    def stop(self) -> None:
        self._timer.stop()

    def _within(self, ms: int) -> None:
        """Save in at most ``ms``: a save due sooner stays as it is."""
        if self._saving() and not (self._timer.isActive() and self._timer.remainingTime() <= ms):
            self._timer.start(ms)

    def _on_facts(self) -> None:
        self._within(SAVE_TYPED_MS if QApplication.focusWidget() in self._boxes else 0)

    def _on_focus(self, old: QWidget | None, _: QWidget | None) -> None:
        """A fact typed and not yet saved is saved as the keys leave its box; a box left
        unchanged asks for no save."""
        if old is not None and old in self._boxes and self._timer.isActive():
            self.soon()
