"""A scroll area that asks for the whole height of what it holds at its width, so a layout
shows all of it while there is room, and scrolls it only when the window is short (a
1024 x 600 screen); under it, the review buttons stay in sight."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


class FittedScroll(QScrollArea):
    """``widgets`` stacked, scrolled up and down only, no shorter than ``least_lines`` lines
    of text; the keys stay where they are (it takes no focus)."""

    def __init__(self, widgets: list[QWidget], least_lines: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            column.addWidget(widget)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(least_lines * self.fontMetrics().lineSpacing())
        inner.installEventFilter(self)  # what it holds changed: ask for its height again

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        inner = self.widget()
        width = self.viewport().width()
        height = (inner.heightForWidth(width) if inner.hasHeightForWidth()
                  else inner.sizeHint().height())
        return QSize(super().sizeHint().width(), max(height, inner.minimumSizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the height wanted follows the width (lines wrap)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


class ShortScroll(QScrollArea):
    """Holds ``widget`` at the height it is given while that is at least its least; a window
    shorter than that (a 1280 x 800 screen at 200 % leaves 640 x 400) scrolls it up and down,
    down to ``least_lines`` lines of text. It asks for the width ``widget`` needs (its
    scroll bar, shown then only, scrolls it sideways too) and takes no focus."""

    def __init__(self, widget: QWidget, least_lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._least_height = least_lines * self.fontMetrics().lineSpacing()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.widget().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(self.widget().minimumSizeHint().width(), self._least_height)
