"""Widths of the cell list's columns: File takes the width left, the others fit their content.

Each other column is as wide as its title or its widest value, so that every column fits a
1024-px screen; the sorted column widens by the room of the sort arrow, so that the arrow
never covers its title. The Error column is as wide as its title while no row of the batch
has an error, its room going to File; an error's reason wraps over the row's lines
(``ReasonDelegate``). A list too narrow for that and a File column of FILE_LEAST (large text,
a window of 853 px) shows the review and "uncertain" as marks (✓, ✎, ?, ⚠) and shortens the
titles of P(parasitized) and Uncertain: every column stays in view, with no scroll bar
between the technician and a cell's review. Narrower still (640 px at 200 %), the list
scrolls sideways, File at its least: each row's final call, review mark and error come
first (:data:`SQUEEZED_ORDER`), the picture and the model's numbers a scroll away.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from malariascope.gui.results_table import (
    CALL,
    ERROR,
    FILE,
    FINAL,
    HEADERS,
    PARASITIZED,
    PROB,
    REVIEW,
    REVIEW_TEXT,
    THUMB,
    THUMB_SIZE,
    UNCERTAIN,
    UNCERTAIN_TEXT,
)

#: A review or "uncertain" as its mark alone, while its column is too narrow for the words.
MARKS = {text: text.split()[0] for text in REVIEW_TEXT.values() if text} | {UNCERTAIN_TEXT: "⚠"}
SHORT_TITLES = {PROB: "P", UNCERTAIN: "Unc."}  # the header's tooltip gives them in full
FILE_LEAST = "_cell_100.png"  # the File column keeps room for this before the others shorten
#: The final call beside the file, where a narrow window or large text never pushes it off
#: the right edge, and read before the model's call it may overrule.
ORDER = (THUMB, FILE, FINAL, PROB, CALL, UNCERTAIN, REVIEW, ERROR)
#: A list too narrow for all its columns (640 px at 200 %) shows each row's review mark and
#: error beside its final call; the picture and the model's numbers are a scroll away.
SQUEEZED_ORDER = (FILE, FINAL, REVIEW, ERROR, THUMB, PROB, CALL, UNCERTAIN)


class MarkDelegate(QStyledItemDelegate):
    """Draws a review or "uncertain" as its mark (:data:`MARKS`) when the words do not fit."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        room = option.rect.width() - 2 * _text_margin(option.widget)
        if option.text in MARKS and option.fontMetrics.horizontalAdvance(option.text) > room:
            option.text = MARKS[option.text]


class ColumnWidths(QObject):
    """Sizes the columns of ``view`` (its model a filter over a batch, sorting on) and follows
    its sort, its width and whether the batch has an error to show."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._header = header = view.horizontalHeader()
        bold_font = QFont(view.font())
        bold_font.setBold(True)  # a reviewed row's final call
        plain, bold = view.fontMetrics(), QFontMetrics(bold_font)
        widest = {PROB: plain.horizontalAdvance("0.000"),
                  CALL: plain.horizontalAdvance(PARASITIZED),
                  UNCERTAIN: plain.horizontalAdvance(UNCERTAIN_TEXT),
                  REVIEW: max(map(plain.horizontalAdvance, REVIEW_TEXT.values())),
                  FINAL: bold.horizontalAdvance(PARASITIZED),
                  ERROR: plain.horizontalAdvance("not a readable")}
        # the item's text margins (as Qt's styles draw them), the grid line and a little air
        padding = 2 * _text_margin(view) + 5
        shown = header.isSortIndicatorShown()
        header.setSortIndicatorShown(False)
        titles = {column: header.sectionSizeHint(column) for column in widest}
        header.setSortIndicatorShown(True)
        self.arrow_room = header.sectionSizeHint(PROB) - titles[PROB]
        header.setSortIndicatorShown(shown)
        self.widths = {column: max(titles[column], width + padding)
                       for column, width in widest.items()}
        self.widths[THUMB] = THUMB_SIZE + 12
        self.narrow_widths = self._narrowed(widest, titles, padding)
        self._file_least = plain.horizontalAdvance(FILE_LEAST) + padding
        self.narrow = False  # the columns are at their narrow widths, some titles short
        self._untitled_error = titles[ERROR]  # the Error column while no row has an error
        self._batch = batch = view.model().batch
        self._errors = self._has_notes()  # the widths were last set for this
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Stretch)
        header.sortIndicatorChanged.connect(self._on_sorted)
        batch.events.reset.connect(self._fit_errors)
        batch.events.appended.connect(self._fit_errors)
        view.viewport().installEventFilter(self)
        self._on_sorted(header.sortIndicatorSection())

    def _narrowed(self, widest: dict[int, int], titles: dict[int, int],
                  padding: int) -> dict[int, int]:
        """The widths with marks for words and :data:`SHORT_TITLES` for titles."""
        metrics = self._header.fontMetrics()
        for column, title in SHORT_TITLES.items():  # a title's hint less its text's width
            titles[column] += metrics.horizontalAdvance(title) - metrics.horizontalAdvance(
                HEADERS[column])
        plain = self._view.fontMetrics()
        widest[REVIEW] = max(plain.horizontalAdvance(mark) for mark in MARKS.values())
        widest[UNCERTAIN] = plain.horizontalAdvance(MARKS[UNCERTAIN_TEXT])
        return {**self.widths, **{column: max(titles[column], widest[column] + padding)
                                  for column in (PROB, UNCERTAIN, REVIEW)}}

    def _has_notes(self) -> bool:
        """Whether a row has something for the Error column: an error, or an image the model
        learned from in adaptation."""
        batch = self._batch
        return batch.counts.errors > 0 or batch.learned_images > 0

    def _fit_errors(self, *_: object) -> None:
        """Resize once the batch's first error (or learned image) arrives, or its last one
        leaves."""
        errors = self._has_notes()
        if errors != self._errors:
            self._errors = errors
            self._on_sorted(self._header.sortIndicatorSection())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:  # the list's width: narrow or not
            self._on_sorted(self._header.sortIndicatorSection())
        return False

    def _on_sorted(self, section: int, *_: object) -> None:
        narrow = self._view.viewport().width() < self._file_least + sum(
            self._sized(self.widths, section).values())
        if narrow != self.narrow:
            self.narrow = narrow
            model = self._view.model().sourceModel()
            for column, title in SHORT_TITLES.items():
                model.setHeaderData(column, Qt.Orientation.Horizontal,
                                    title if narrow else HEADERS[column])
        sized = self._sized(self.narrow_widths if narrow else self.widths, section)
        for column, width in sized.items():
            self._header.resizeSection(column, width)
        # narrower still (640 px at 200 %), File keeps its least and the list scrolls: a
        # stretched column with no room left keeps the width it had, the others out of sight
        header = self._header
        squeezed = self._view.viewport().width() <= header.minimumSectionSize() + sum(
            sized.values())
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Interactive if squeezed
                                    else QHeaderView.ResizeMode.Stretch)
        self._arrange(SQUEEZED_ORDER if squeezed else ORDER)
        if squeezed:
            header.resizeSection(FILE, self._file_least)
            # an error's reason in the room the review leaves, wrapped, whole in its tooltip
            room = self._view.viewport().width() - self._file_least - sized[FINAL] - sized[REVIEW]
            header.resizeSection(ERROR, max(header.minimumSectionSize(),
                                            min(sized[ERROR], room)))

    def _arrange(self, order: tuple[int, ...]) -> None:
        """Put the columns in ``order``, left to right."""
        for place, column in enumerate(order):
            if self._header.visualIndex(column) != place:
                self._header.moveSection(self._header.visualIndex(column), place)

    def _sized(self, widths: dict[int, int], section: int) -> dict[int, int]:
        """``widths`` as the columns take them: the sorted one with its arrow, an Error
        column with no error to show as wide as its title."""
        sized = {}
        for column, width in widths.items():
            if column == ERROR and not self._errors:
                width = self._untitled_error
            sized[column] = width + (self.arrow_room if column == section != THUMB else 0)
        return sized


def _text_margin(widget) -> int:
    """The margin Qt's styles keep on each side of an item's text."""
    style = widget.style() if widget is not None else None
    return 0 if style is None else style.pixelMetric(
        QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
