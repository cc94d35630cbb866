"""The status bar's message, wrapped to the room it is given, never asking for more width.

A message may name files by long paths with no space to break at (a copy and its original):
a plain word-wrapped label would then widen the window, past the screen's edge on a small
one. Here a word wider than the room is broken anywhere, and at most :data:`MAX_LINES` lines
are shown: a longer message has its paths shortened in the middle, so its words and the ends
of its paths (the file names) stay in sight; the whole message is the label's tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MAX_LINES = 4  # the status bar grows no taller for a message


class MessageLabel(QLabel):
    """A label showing :meth:`message` as :func:`fitted` to its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # paths may hold "<"
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._message = ""

    def message(self) -> str:
        """The whole message, whatever part of it fits."""
        return self._message

    def set_message(self, text: str) -> None:
        """Show ``text``, its line breaks as spaces: the lines it is laid out in are counted."""
        self._message = text
        self.setToolTip(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        text = " ".join(self._message.splitlines())
        self.setText(fitted(text, self.font(), self.contentsRect().width()))


def fitted(text: str, font: QFont, width: int, most: int = MAX_LINES) -> str:
    """``text`` in at most ``most`` lines of at most ``width`` pixels, broken between words
    where it can be. When it takes more, each word wider than a line (a path) loses its
    middle to fit one, and if that is not enough, so does what the last line cannot hold.
    Before the label is laid out (no width), the text as it is."""
    if width <= 0:
        return text
    metrics = QFontMetrics(font)
    starts = _line_starts(text, font, width)
    if len(starts) > most:
        text = " ".join(metrics.elidedText(word, Qt.TextElideMode.ElideMiddle, width)
                        for word in text.split(" "))
        starts = _line_starts(text, font, width)
    ends = [*starts[1:], len(text)]
    lines = [text[start:end].rstrip() for start, end in zip(starts, ends, strict=True)]
    if len(lines) > most:
        lines[most - 1:] = [metrics.elidedText(text[starts[most - 1]:],
                                               Qt.TextElideMode.ElideMiddle, width)]
    return "\n".join(lines)


def _line_starts(text: str, font: QFont, width: int) -> list[int]:
    """Where each line of ``text`` starts, laid out ``width`` pixels wide, a word wider than
    that broken anywhere."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout = QTextLayout(text, font)
    layout.setTextOption(option)
    starts = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    return starts
