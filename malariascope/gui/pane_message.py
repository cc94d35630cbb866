"""The words a picture pane shows while it has no picture (no cell selected, a file without
a call), over its black backdrop: wrapped to the pane's width, a word wider than that (a
path) broken anywhere, and scrolled up and down where the pane is shorter than its lines
(the whole field under the list, 640 x 400 at 200 %), so the whole message can be read."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

from malariascope.gui.canvas import TEXT_MARGIN
from malariascope.gui.message_label import fitted


class PaneMessage(QScrollArea):
    """Covers its parent, a pane with a black backdrop, showing :attr:`words` centred."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._words = ""
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # paths may hold "<"
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setContentsMargins(TEXT_MARGIN, 0, TEXT_MARGIN, 0)
        palette = self.palette()  # the pane's backdrop is black whatever the app's palette
        palette.setColor(QPalette.ColorRole.Window, QColor(Qt.GlobalColor.black))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(Qt.GlobalColor.lightGray))
        self.setPalette(palette)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the list

    @property
    def words(self) -> str:
        return self._words

    @words.setter
    def words(self, words: str) -> None:
        self._words = words
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the lines follow the width
            self._fit()

    def _fit(self) -> None:
        """Lay the words out in lines as wide as the label's room, every one of them kept."""
        room = self.viewport().width() - 2 * TEXT_MARGIN
        self.label.setText("\n".join(fitted(paragraph, self.font(), room, sys.maxsize)
                                     for paragraph in self._words.split("\n")))
