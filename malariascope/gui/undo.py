"""Reviews as undoable steps: a press on one cell or on fifty selected ones is one step.

Each step is what :meth:`Batch.set_reviews` was given and what it returned (the presses it
replaced), so undo and redo are two more calls of it. Undoing adds a decision to the batch's
history like any other press: the audit shows that a review was taken back, and by whom.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack

from malariascope.gui.batch import PARASITIZED, UNINFECTED, UNSURE, Batch

CONFIRM = "confirm"  # the model's call of each cell, pressed as the final call
PRESS_NAMES = {PARASITIZED: "parasitized", UNINFECTED: "uninfected", UNSURE: "unsure",
               CONFIRM: "confirm", None: "clear"}


class _ReviewStep(QUndoCommand):
    """One press on some rows; the first redo records it, undo gives back what it replaced."""

    def __init__(self, reviews: ReviewUndo, pressed: dict[int, str | None], text: str,
                 changed: list[int]) -> None:
        super().__init__(text)
        self._reviews, self._pressed = reviews, pressed
        self._before: dict[int, str | None] = {}
        self._changed: list[int] | None = changed  # the first redo fills it for press()

    def redo(self) -> None:
        self._before = self._reviews.batch.set_reviews(self._pressed)
        self.setObsolete(not self._before)  # rows without a call: nothing to undo
        if self._changed is None:
            self._reviews.revisited.emit(sorted(self._before), "Redone")
        else:
            self._changed.extend(sorted(self._before))
            self._changed = None

    def undo(self) -> None:
        self._reviews.batch.set_reviews(self._before)
        self._reviews.revisited.emit(sorted(self._before), "Undone")


class ReviewUndo(QObject):
    """The reviews of one batch as an undo stack; a new batch starts an empty one. While the
    case on show is read-only (signed, or a past case), undo and redo are off."""

    revisited = Signal(list, str)  # the rows an undo or a redo just changed; "Undone", "Redone"

    def __init__(self, batch: Batch, undo: QAction, redo: QAction,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self.stack = QUndoStack(self)
        self._read_only = False
        self._actions = (undo, redo)  # enabled when there is a step to take, saying which
        undo.triggered.connect(lambda: self.stack.undo())  # off while read-only
        redo.triggered.connect(lambda: self.stack.redo())
        self.stack.indexChanged.connect(self._on_index_changed)
        self._on_index_changed()
        batch.events.reset.connect(self.stack.clear)

    def press(self, rows: Iterable[int], key: str | None) -> list[int]:
        """Press ``key`` (a call, ``unsure``, :data:`CONFIRM` or None to clear) on ``rows``
        as one step; returns the rows it changed (none: no row had a call)."""
        batch = self.batch
        pressed = {row: batch.call(row) if key == CONFIRM else key
                   for row in rows if batch.results[row].ok}  # an unreadable file is no cell
        cells = "1 cell" if len(pressed) == 1 else f"{len(pressed)} cells"
        changed: list[int] = []
        self.stack.push(_ReviewStep(self, pressed, f"{PRESS_NAMES[key]} on {cells}", changed))
        return changed  # push ran the first redo; an obsolete step is dropped at once

    def set_read_only(self, read_only: bool) -> None:
        """Turn undo and redo off (``read_only``) or back on: a signed or past case keeps its
        reviews as they are, and its steps are dropped, so that after an amendment undo
        begins there, never reaching a review the signature counted."""
        self._read_only = read_only
        if read_only:
            self.stack.clear()
        self._on_index_changed()

    def _on_index_changed(self, *_: object) -> None:
        stack, (undo, redo) = self.stack, self._actions
        undo.setEnabled(stack.canUndo() and not self._read_only)
        redo.setEnabled(stack.canRedo() and not self._read_only)
        undo.setText(f"Un&do {stack.undoText()}" if stack.canUndo() else "Un&do review")
        redo.setText(f"&Redo {stack.redoText()}" if stack.canRedo() else "&Redo review")
