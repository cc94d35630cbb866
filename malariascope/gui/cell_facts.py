"""What is known of the selected cell, under its image: probability, call and the threshold
that made it, review, image, place, file and model (a row without a call says why on the
image itself).

Short facts sit two to a row when the panel is wide enough, one to a row when it is not (a
1024-px screen). Every value can be selected for copying; the file is its full path, wrapped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextOption
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPlainTextEdit, QSizePolicy, QWidget

from malariascope.core.clock import local_time
from malariascope.core.withoutcall import NO_CELLS
from malariascope.core.words import threshold_words
from malariascope.gui.batch import Batch
from malariascope.gui.results_table import CALL_COLOURS, probability_text
from malariascope.gui.text_colour import follow_palette, readable_name

if TYPE_CHECKING:
    from malariascope.core.case import ReviewDecision
    from malariascope.core.pipeline import ScreeningResult

#: The facts by row; the two of a pair share a row when the panel is at least PAIRED_WIDTH.
ROWS = (("P(parasitized)", "Call"), ("Threshold", "Image"), ("Review",), ("Cell",), ("File",),
        ("Model",))
PAIRED_WIDTH = 420


class PathText(QPlainTextEdit):
    """A path in full, wrapped where it must be (at a folder if it can: a file name has no
    spaces to break at), selectable for copying; as tall as its lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the cell list
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        for bar in (self.setVerticalScrollBarPolicy, self.setHorizontalScrollBarPolicy):
            bar(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name, as the other facts)
        self.setPlainText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        lines = max(1, self.document().firstBlock().layout().lineCount())
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing())


class CellFacts(QWidget):
    """The facts of one row of ``batch``; :meth:`show_row` fills them. ``pairs`` False keeps
    them one to a row however wide (the cell window, wide beside a panel that reads down)."""

    def __init__(self, batch: Batch, pairs: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch, self._pairs = batch, pairs
        self._captions: dict[str, QLabel] = {}
        self._values: dict[str, QLabel | PathText] = {}
        for name in (name for row in ROWS for name in row):
            caption = QLabel(name)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            value = PathText() if name == "File" else QLabel()
            if isinstance(value, QLabel):
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(True)  # a long review or place takes a second line
                value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self._captions[name], self._values[name] = caption, value
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(1)  # all the facts under the cell on a 768-px screen
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(3, 1)
        self._paired: bool | None = None
        self._arrange(paired=False)
        follow_palette(self, self._colour_call)

    def text(self, name: str) -> str:
        """The value shown for ``name``."""
        return self._values[name].text()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._arrange(self._pairs and self.width() >= PAIRED_WIDTH)

    def _arrange(self, paired: bool) -> None:
        """Lay the facts out two to a row (``paired``) or one to a row."""
        if paired == self._paired:
            return
        self._paired, row = paired, 0
        for names in ROWS:
            for at, name in enumerate(names):
                beside = paired and len(names) > 1
                for widget in (self._captions[name], self._values[name]):
                    self._grid.removeWidget(widget)
                self._grid.addWidget(self._captions[name], row, 2 * at if beside else 0)
                self._grid.addWidget(self._values[name], row, 2 * at + 1 if beside else 1,
                                     1, 1 if beside else 3)
                row += 0 if beside else 1
            row += 1 if paired and len(names) > 1 else 0

    def show_row(self, row: int | None) -> None:
        """Show the facts of ``row`` of the batch (None: none)."""
        facts = dict.fromkeys(self._values, "")
        tips = {}
        if row is not None:
            facts.update(self._facts(row))
            tips["Threshold"] = _threshold_tip(self.batch, self.batch.results[row])
        for name, text in facts.items():
            self._values[name].setText(text)
            self._values[name].setToolTip(tips.get(name, text))
        self._colour_call()

    def _colour_call(self) -> None:
        """Draw the call in its colour, readable on the palette, bold."""
        call = self._values["Call"]
        colour = CALL_COLOURS.get(call.text())
        call.setStyleSheet(f"color: {readable_name(colour)}; font-weight: bold" if colour else "")

    def _facts(self, row: int) -> dict[str, str]:
        result, batch = self.batch.results[row], self.batch
        facts = {"File": str(result.path), "Model": batch.facts.model,
                 "Cell": _cell_fact(result)}
        if not result.ok:
            return facts
        uncertain = " (uncertain)" if batch.uncertain(row) else ""
        facts["P(parasitized)"] = probability_text(batch, row) + uncertain
        facts["Call"] = batch.call(row)
        facts["Review"] = _review_fact(batch.decision(row), batch.review(row),
                                       batch.final_call(row))
        size = f"{result.image_shape[1]} × {result.image_shape[0]} px"
        facts["Image"] = f"field, {size}" if result.whole_field else size  # cell: "Cell"
        if (rule := batch.facts.rule) is not None:
            by_field = result.in_field and rule.field_threshold is not None
            threshold = rule.threshold_for(result.in_field)
            facts["Threshold"] = (threshold_words(threshold, beside=result.probability)
                                  + (" (field)" if by_field else ""))
        return facts


def _threshold_tip(batch: Batch, result: ScreeningResult) -> str:
    """Which threshold called the cell, and why a field's cells have their own."""
    rule = batch.facts.rule
    if rule is None or not result.ok:
        return ""
    threshold = threshold_words(rule.threshold)
    if result.in_field and rule.field_threshold is not None:
        return (f"A cell of a whole field is called parasitized at "
                f"{threshold_words(rule.field_threshold)} and above: the field threshold, which "
                f"moves with the threshold ({threshold}, for single cells). Between the two it "
                "is uncertain.")
    return f"Called parasitized at {threshold} and above (the threshold)."


def _review_fact(decision: ReviewDecision | None, review: str, final_call: str) -> str:
    """The review as the panel words it: what it says of the model's call now, and who
    pressed what, when (local time)."""
    if decision is None:
        return "not reviewed"
    said = f"{review}: {final_call}" if decision.reviewed else "unsure: for a second reader"
    return f"{said} ({decision.reviewer}, {local_time(decision.at)})"


def _cell_fact(result: ScreeningResult) -> str:
    """Where the cell lies: its own image, or its number and box in a whole field."""
    if result.box is None and result.whole_field:  # refused unlike a smear, or empty
        return "whole field, no cells found" if result.error == NO_CELLS else "whole field"
    if result.box is None:  # an unreadable file may have been a field: nothing is known
        return "one cell per image" if result.ok else ""
    x, y, w, h = result.box
    return f"#{result.cell_index} of a whole field, at x {x}, y {y}, {w} × {h} px"
