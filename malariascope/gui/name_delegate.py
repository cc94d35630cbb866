"""The cell list's File column, drawn so that the file's own name shows whole.

At a window width of 1024 px the column is about 100 px wide, narrower than most names
(``fields/PA171693.JPG #12``, ``C129P90ThinF_IMG_20151004_133244_cell_100.png``), and one
line cut from the left keeps too little to tell which field or image a cell comes from. A
name that does not fit is laid over the row's lines (a row is as tall as its thumbnail): the
file's name on lines of its own, its folders cut from the left on the line above when one is
left; a name longer than every line holds is cut at the left, so its end shows (the cell's
number, and the time of the image that tells two images of one slide apart). The row's
tooltip gives the whole path.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

LINE_BREAK = "\u2028"  # QChar.LineSeparator: the style's text layout breaks the line there
ELLIPSIS = "\u2026"  # where a name too long for its row is cut


def fitted_lines(name: str, metrics: QFontMetricsF, width: float, lines: int) -> list[str]:
    """``name`` (``folder/file.png #3``) as at most ``lines`` lines of ``width`` pixels."""
    if width <= 0 or lines < 2 or metrics.horizontalAdvance(name) <= width:
        return [name]
    cut = max(name.rfind("/"), name.rfind(os.sep)) + 1
    folders, file = name[:cut], name[cut:]
    wrapped = _wrapped(file, metrics, width)
    if len(wrapped) > lines:
        return _end_wrapped(file, metrics, width, lines)
    if folders and len(wrapped) < lines:
        return [metrics.elidedText(folders, Qt.TextElideMode.ElideLeft, width), *wrapped]
    return wrapped


def _end_wrapped(file: str, metrics: QFontMetricsF, width: float, lines: int) -> list[str]:
    """The longest end of ``file``, after an ellipsis, that :func:`_wrapped` lays in
    ``lines`` lines: the end tells apart images of one slide and holds the cell's number."""
    low, high = 1, len(file)  # the first character kept: the latest start that fits
    while low < high:
        middle = (low + high) // 2
        fits = len(_wrapped(ELLIPSIS + file[middle:], metrics, width)) <= lines
        low, high = (low, middle) if fits else (middle + 1, high)
    return _wrapped(ELLIPSIS + file[low:], metrics, width)


def _wrapped(text: str, metrics: QFontMetricsF, width: float) -> list[str]:
    """``text`` broken into lines of ``width`` pixels, at the last break that fits: a space
    (before a field cell's ``#3``), else after an underscore or a hyphen (the parts of
    ``C100P61ThinF_IMG_20150918_144104_cell_162.png``), else before a dot (the extension
    stays whole), else where the line is full."""
    lines: list[str] = []
    while text:
        low, high = 1, len(text)  # the longest start that fits, a character at least
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if metrics.horizontalAdvance(text[:middle]) <= width \
                else (low, middle - 1)
        size = _break(text, low) if low < len(text) else low
        lines.append(text[:size])
        text = text[size:].lstrip(" ")
    return lines


def _break(text: str, size: int) -> int:
    """Where a line of ``text`` whose first ``size`` characters fit ends (see :func:`_wrapped`)."""
    space = text.rfind(" ", 1, size + 1)
    joint = max(text.rfind("_", 0, size), text.rfind("-", 0, size)) + 1
    dot = text.rfind(".", 1, size + 1)
    return next((end for end in (space, joint, dot) if end > 0), size)


class NameDelegate(QStyledItemDelegate):
    """Draws a file name as :func:`fitted_lines` lays it in its cell.

    Each row is laid out again on every paint and size query, so the laid-out text is kept
    per name, font, width and line count (a long name takes about half a millisecond).
    """

    #: Laid-out names kept; the oldest half is dropped when full (a list of 10,000 cells,
    #: seen at two widths, stays within it).
    KEPT = 20_000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._laid_out: dict[tuple[str, str, float, int], str] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        room = _text_room(option)
        key = (option.text, option.font.key(), *room)
        text = self._laid_out.get(key)
        if text is None:
            # the lines as they are: no wrapping of the style's
            text = LINE_BREAK.join(fitted_lines(option.text, QFontMetricsF(option.font), *room))
            self._keep(key, text)
        option.text = text

    def forget(self) -> None:
        """Drop every laid-out name (the rows they were kept for are gone)."""
        self._laid_out.clear()

    def _keep(self, key: tuple[str, str, float, int], text: str) -> None:
        if len(self._laid_out) >= self.KEPT:
            for old in list(self._laid_out)[: self.KEPT // 2]:  # dicts keep insertion order
                del self._laid_out[old]
        self._laid_out[key] = text


def _text_room(option: QStyleOptionViewItem) -> tuple[float, int]:
    """The width and the lines the style draws the text of ``option`` in (its text rect,
    less the margins it keeps on either side), measured as its text layout measures."""
    style = option.widget.style() if option.widget else None
    if style is None:
        return option.rect.width(), 1
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, option.widget) + 1
    rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget)
    return rect.width() - 2 * margin, int(rect.height() // QFontMetricsF(option.font).lineSpacing())
