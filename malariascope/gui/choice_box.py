"""A drop-down of the case form that says when its list closes, so the window can give the keys
back to the cell list: with the keys, a drop-down picks an item by a letter typed (G for
Giemsa), so a review key pressed after a choice would change the slide's facts instead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox


class ChoiceBox(QComboBox):
    """A :class:`QComboBox` that emits :attr:`closed` once its list of items closes (an item
    chosen, or Escape). Items picked without the list, by arrows or letters once tabbed to,
    leave the keys where they are, as typing in a text box does."""

    closed = Signal()

    def hidePopup(self) -> None:  # noqa: N802 (Qt's name)
        shown = self.view().isVisible()  # Qt also calls this on a box disabled, list or not
        super().hidePopup()
        if shown:
            self.closed.emit()
