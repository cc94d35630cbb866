"""Keeping a window whole on its screen: a laptop's 1366 x 768, less the desktop's panels."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def fit_on_screen(window: W) -> W:
    """Shrink the shown ``window`` to its screen's available geometry (the desktop less its
    panels and docks), frame and title bar included, and move it inside, so all of it shows
    and its title bar can be dragged; returns it."""
    area = window.screen().availableGeometry()
    border = window.frameGeometry().size() - window.size()
    window.resize(window.size().boundedTo(area.size() - border))
    frame = window.frameGeometry()  # a window of fixed size may still be the larger
    window.move(max(area.left(), min(frame.left(), area.right() + 1 - frame.width())),
                max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height())))
    return window
