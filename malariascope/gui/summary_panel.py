"""The always-visible counts of the batch: cells counted against the case's target, calls,
uncertain, errors, reviewed, and the parasitemia of the batch and of the whole field being
looked at.

It only listens: the batch keeps its counts up to date incrementally (with ``core.tally``, as
the summary CSV), so refreshing after every chunk of results costs a few label updates, even
for 20,000 cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from malariascope.core.leftout import COPIES_NOT_RECORDED
from malariascope.core.words import counted
from malariascope.gui.batch import Batch, Counts
from malariascope.gui.results_table import CALL_COLOURS
from malariascope.gui.text_colour import colour_text

if TYPE_CHECKING:  # for the type alone: the window gives the panel its controller
    from malariascope.gui.controller import ScreeningController

STATS = ("cells", "parasitized", "uninfected", "uncertain", "errors", "percent", "field",
         "reviewed", "suspects")
CAPTIONS = {"cells": "cells counted / target", "percent": "% parasitized",
            "field": "% in this field", "suspects": "to review"}
REACHED = "target reached ✓"
CAPTION_LINES = 2  # the room of every caption: the longest, "cells counted / target", wraps
TIPS = {"suspects": "Cells called parasitized or uncertain that no one has reviewed yet: "
                    "the review queue (Q) lists them. Those marked unsure count too; they "
                    "wait for a second reader, out of the queue (Show: Unreviewed lists them)"}


class _Caption(QLabel):
    """A tile's caption, two lines high whatever it says: the row of tiles keeps one height,
    so the list under it never moves as a caption changes or a tile comes or goes. Words that
    need more lines at the tile's width end in an ellipsis; :attr:`words` holds them whole,
    and the tile's tooltip tells them (:attr:`cut`)."""

    fitted = Signal()  # the words were laid out again: :attr:`cut` may have changed

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = ""
        self.setWordWrap(True)
        self.setFixedHeight(CAPTION_LINES * self.fontMetrics().lineSpacing())
        self.set_words(words)

    @property
    def cut(self) -> bool:
        """True when the caption shows its words shortened."""
        return self.text() != self.words

    def set_words(self, words: str) -> None:
        self.words = words
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.setText(_two_lines(self.words, self.fontMetrics(), self.contentsRect().width()))
        self.fitted.emit()


def _two_lines(words: str, metrics: QFontMetrics, width: int) -> str:
    """``words`` as word wrap lays them in ``width`` pixels, cut with an ellipsis at the end
    of the second line when they need more."""
    wrap = Qt.TextFlag.TextWordWrap
    if width <= 0 or metrics.boundingRect(0, 0, width, 0, wrap, words).height() \
            <= CAPTION_LINES * metrics.lineSpacing():
        return words
    split = words.split(" ")
    taken = 1  # the first line: the most words that fit, one at least
    while taken < len(split) and metrics.horizontalAdvance(" ".join(split[:taken + 1])) <= width:
        taken += 1
    rest = " ".join(split[taken:])
    first = metrics.elidedText(" ".join(split[:taken]), Qt.TextElideMode.ElideRight, width)
    return f"{first}\n{metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)}"


class _Number(QLabel):
    """A tile's number, in bold half as big again as the caption where the tile has room,
    smaller down to the caption's size where it has not: a narrow window (640 px at 200 %)
    shows every number whole, and no number sets how narrow the window goes."""

    def __init__(self) -> None:
        super().__init__("0")
        self._least = QFont(self.font())
        self._least.setBold(True)
        self._big = QFont(self._least)
        self._big.setPointSizeF(self._least.pointSizeF() * 1.5)
        self.setFont(self._big)

    def set_number(self, text: str) -> None:
        self.setText(text)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self._room(self._big)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(self._room(self._least).width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _room(self, font: QFont) -> QSize:
        metrics, margins = QFontMetrics(font), self.contentsMargins()
        return QSize(metrics.horizontalAdvance(self.text()) + margins.left() + margins.right(),
                     metrics.height() + margins.top() + margins.bottom())

    def _fit(self) -> None:
        """The biggest font from the big one down to the least that the text fits in."""
        font, room = QFont(self._big), self.contentsRect().width()
        while (font.pointSizeF() > self._least.pointSizeF()
               and QFontMetrics(font).horizontalAdvance(self.text()) > room):
            font.setPointSizeF(max(self._least.pointSizeF(), font.pointSizeF() - 0.5))
        if font != self.font():
            self.setFont(font)


class _Stat(QFrame):
    """A big number over a small caption. One tooltip, wherever the pointer is on the tile:
    the caption in full when it is cut, then the tile's own tip."""

    def __init__(self, caption: str, colour: QColor | None = None) -> None:
        super().__init__()
        self._tip = ""
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = _Number()
        if colour is not None:
            colour_text(self.value, colour)
        self.caption = _Caption(caption)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter
        self.caption.fitted.connect(self._show_tip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 4)  # narrow sides: nine tiles fit 640 px
        layout.setSpacing(0)
        for widget in (self.value, self.caption):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)

    def set_tip(self, tip: str) -> None:
        """The tile's own tip, told after the caption's words when those are cut."""
        self._tip = tip
        self._show_tip()

    def _show_tip(self) -> None:
        caption = self.caption.words if self.caption.cut else ""
        self.setToolTip("\n\n".join(part for part in (caption, self._tip) if part))


class SummaryPanel(QWidget):
    """One row of numbers that follows ``batch``."""

    def __init__(self, batch: Batch, controller: ScreeningController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch, self.controller = batch, controller
        self._field: Path | None = None
        self._stats: dict[str, _Stat] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for name in STATS:
            self._stats[name] = _Stat(CAPTIONS.get(name, name), CALL_COLOURS.get(name))
            self._stats[name].set_tip(TIPS.get(name, ""))
            layout.addWidget(self._stats[name], 1)
        batch.events.changed.connect(self._on_changed)
        batch.events.facts_changed.connect(self._on_changed)  # the case's target
        controller.idle.connect(self._on_changed)  # copies left out: no row says so
        self._on_changed()

    def text(self, name: str) -> str:
        """The number shown for ``name`` (one of :data:`STATS`)."""
        return self._stats[name].value.text()

    def caption(self, name: str) -> str:
        """The words under the number shown for ``name``."""
        return self._stats[name].caption.words

    def set_field(self, path: Path | None) -> None:
        """Show the parasitemia of the whole field ``path`` (None: the selection is no field)."""
        self._field = path
        self._on_changed()

    def _on_changed(self) -> None:
        counts: Counts = self.batch.counts
        field = self.batch.field_counts(self._field) if self._field else None
        target = self.batch.case.facts.target_cells
        self._stats["cells"].caption.set_words(
            REACHED if counts.classified >= target else CAPTIONS["cells"])
        unsure = counts.unsure
        self._stats["suspects"].caption.set_words(
            f"{CAPTIONS['suspects']}, {unsure:,} unsure" if unsure else CAPTIONS["suspects"])
        values = {
            "cells": f"{counts.classified:,} / {target:,}",  # as the CSV's "classified"
            "parasitized": f"{counts.parasitized:,}",
            "uninfected": f"{counts.uninfected:,}", "uncertain": f"{counts.uncertain:,}",
            "errors": f"{counts.errors:,}", "percent": _percent(counts),
            "field": _percent(field),
            "reviewed": f"{counts.reviewed:,} / {counts.classified:,}",
            "suspects": f"{counts.unreviewed_flagged:,}",
        }
        self._show_copies()
        self._stats["field"].set_tip(_field_tip(self._field, field))
        self._stats["field"].setVisible(self.batch.has_fields)
        for name, text in values.items():
            self._stats[name].value.set_number(text)

    def _show_copies(self) -> None:
        """Under the errors, how many files were left out as copies of others, a count of
        their own: no row counts them, and a copy is no error. The tip says they were left
        out and names them, or that nobody recorded them for work saved before MalariaScope
        did. The caption reads whole in two lines with nine tiles at 1024 px, and no word of
        it is wider than "errors" by more than a letter, so it never widens the window."""
        copies = self.controller.extent.copies
        errors = self._stats["errors"]
        count = 0 if copies is None else copies.count
        errors.caption.set_words(f"errors, {counted(count, 'copy', 'copies')}"
                                 if count else "errors")
        errors.set_tip(COPIES_NOT_RECORDED if copies is None else copies.words())


def _percent(counts: Counts | None) -> str:
    """The parasitemia to the decimals of the case panel, the report and the CLI, or a dash
    when no cell was called (see ``Counts.percent_text``)."""
    return "–" if counts is None else counts.percent_text(none="–")


def _field_tip(path: Path | None, counts: Counts | None) -> str:
    if path is None or counts is None:
        return "Select a cell of a whole field"
    if not counts.classified:
        return f"{path.name}: no cell was called in this field"
    return (f"{path.name}: {counts.parasitized:,} of {counts.classified:,} cells called "
            "parasitized (after review)")
