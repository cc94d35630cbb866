"""Widths of the cell list's columns: File takes the width left, the others fit their content.

Each other column is as wide as its title or its widest value, so that every column fits a
1024-px screen; the sorted column widens by the room of the sort arrow, so that the arrow
never covers its title. The Error column is as wide as its title while no row of the batch
has an error, its room going to File; an error's reason wraps over the row's lines
(``ReasonDelegate``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from malariascope.gui.results_table import (
    CALL,
    ERROR,
    FILE,
    FINAL,
    PARASITIZED,
    PROB,
    REVIEW,
    REVIEW_TEXT,
    THUMB,
    THUMB_SIZE,
    UNCERTAIN,
)


class ColumnWidths(QObject):
    """Sizes the columns of ``view`` (its model a filter over a batch, sorting on) and follows
    its sort and whether the batch has an error to show."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._header = header = view.horizontalHeader()
        bold_font = QFont(view.font())
        bold_font.setBold(True)  # a reviewed row's final call
        plain, bold = view.fontMetrics(), QFontMetrics(bold_font)
        widest = {PROB: plain.horizontalAdvance("0.000"),
                  CALL: plain.horizontalAdvance(PARASITIZED),
                  UNCERTAIN: plain.horizontalAdvance("uncertain"),
                  REVIEW: max(map(plain.horizontalAdvance, REVIEW_TEXT.values())),
                  FINAL: bold.horizontalAdvance(PARASITIZED),
                  ERROR: plain.horizontalAdvance("not a readable")}
        # the item's text margins (as Qt's styles draw them), the grid line and a little air
        padding = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 5
        shown = header.isSortIndicatorShown()
        header.setSortIndicatorShown(False)
        titles = {column: header.sectionSizeHint(column) for column in widest}
        header.setSortIndicatorShown(True)
        self.arrow_room = header.sectionSizeHint(PROB) - titles[PROB]
        header.setSortIndicatorShown(shown)
        self.widths = {column: max(titles[column], width + padding)
                       for column, width in widest.items()}
        self.widths[THUMB] = THUMB_SIZE + 12
        self._untitled_error = titles[ERROR]  # the Error column while no row has an error
        self._batch = batch = view.model().batch
        self._errors = batch.counts.errors > 0  # the widths were last set for this
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Stretch)
        header.sortIndicatorChanged.connect(self._on_sorted)
        batch.events.reset.connect(self._fit_errors)
        batch.events.appended.connect(self._fit_errors)
        self._on_sorted(header.sortIndicatorSection())

    def _fit_errors(self, *_: object) -> None:
        """Resize once the batch's first error arrives, or its last one leaves."""
        errors = self._batch.counts.errors > 0
        if errors != self._errors:
            self._errors = errors
            self._on_sorted(self._header.sortIndicatorSection())

    def _on_sorted(self, section: int, *_: object) -> None:
        for column, width in self.widths.items():
            if column == ERROR and not self._errors:
                width = self._untitled_error
            room = self.arrow_room if column == section and column != THUMB else 0
            self._header.resizeSection(column, width + room)
