"""Boxes a mouse wheel passing over leaves alone: a spin box, list box or slider takes the
wheel only once it has the keys (clicked or tabbed to), so scrolling the case form or the
list never changes a patient fact or the threshold on the way."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class _WheelGuard(QObject):
    """Turns the wheel away from its parent box while the box has no focus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        event.ignore()  # Qt hands a wheel event the box ignores on to its parent: it scrolls
        return True


def guard_wheel(*boxes: QWidget) -> None:
    """Let ``boxes`` take the wheel only while they have the keys: a click or Tab gives them,
    the wheel itself does not (one that never takes the keys never takes the wheel)."""
    for box in boxes:
        if box.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.installEventFilter(_WheelGuard(box))
