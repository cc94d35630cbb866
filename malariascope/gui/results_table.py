"""The batch as a table: thumbnail, file, probability, call, review, error.

:class:`ResultsTableModel` reads the :class:`~malariascope.gui.batch.Batch` directly (no copy),
so 20,000 rows cost one Python list; thumbnails come from a lazy cache for painted rows only.
:class:`~malariascope.gui.results_proxy.ResultsFilterProxy` filters and sorts it,
:class:`~malariascope.gui.results_view.ResultsView` shows it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from malariascope.core.adapt.learned import LEARNED_TEXT
from malariascope.core.names import path_key, relative_name
from malariascope.core.words import probability_words
from malariascope.gui.batch import CONFIRMED, OVERRIDDEN, PARASITIZED, UNSURE, Batch
from malariascope.gui.text_colour import readable
from malariascope.gui.thumbnails import ThumbnailCache

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
DISPLAY, DECORATION, TOOLTIP, FONT, ALIGNMENT, FOREGROUND = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole))
SPOKEN, SPOKEN_MORE = (int(role) for role in (Qt.ItemDataRole.AccessibleTextRole,
                                              Qt.ItemDataRole.AccessibleDescriptionRole))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
THUMB_SIZE = 48
CALL_COLOURS = {PARASITIZED: QColor("#c62828"), "uninfected": QColor("#2e7d32")}
UNCERTAIN_COLOUR = QColor("#ffa000")
REVIEW_TEXT = {"": "", CONFIRMED: "✓ confirmed", OVERRIDDEN: "✎ overridden", UNSURE: "? unsure"}
UNCERTAIN_TEXT = "uncertain"
#: The Error column's tooltip of a cell whose image the model learned from in adaptation
#: (its text is ``LEARNED_TEXT``).
LEARNED_TIP = ("The model learned this image's cells in adaptation: its call is not an "
               "independent check.")
HEADERS = ("", "File", "P(parasitized)", "Model call", "Uncertain", "Review", "Final call",
           "Error")  # the list shows Final call beside File (``ResultsView``)
THUMB, FILE, PROB, CALL, UNCERTAIN, REVIEW, FINAL, ERROR = range(len(HEADERS))
_Index = QModelIndex | QPersistentModelIndex


def probability_text(batch: Batch, row: int) -> str:
    """P(parasitized) of ``row`` with the decimals that tell it from its threshold."""
    result, rule = batch.results[row], batch.facts.rule
    if result.probability is None:
        return ""
    threshold = None if rule is None else rule.threshold_for(result.in_field)
    return probability_words(result.probability, threshold)


def call_colour(batch: Batch, row: int) -> QColor:
    """Red or green for the final call; amber while an uncertain call is not reviewed."""
    if batch.uncertain(row) and not batch.reviewed(row):
        return UNCERTAIN_COLOUR
    return CALL_COLOURS[batch.final_call(row)]


class ResultsTableModel(QAbstractTableModel):
    """A read-only table over a batch; it follows the batch's events."""

    def __init__(self, batch: Batch, ratio: float = 1.0, parent=None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._rows = len(batch)  # rows Qt has been told about (the batch grows first)
        self._names: dict[int, str] = {}  # row -> its File text, made when first asked
        self.thumbnails = ThumbnailCache(THUMB_SIZE, ratio, parent=self)
        self.thumbnails.ready.connect(self._on_thumbnail_ready)
        warning = QStyle.StandardPixmap.SP_MessageBoxWarning
        self._warning = QApplication.style().standardIcon(warning)
        self._bold = QFont()
        self._bold.setBold(True)
        self._titles = list(HEADERS)  # what the header shows: a narrow list shortens some
        batch.events.reset.connect(self._on_reset)
        batch.events.appended.connect(self._on_appended)
        batch.events.relabelled.connect(self._on_relabelled)
        batch.events.reviewed.connect(self._on_reviewed)
        batch.events.renamed.connect(self._on_renamed)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self._titles[section]
        if orientation == Qt.Orientation.Horizontal and role == TOOLTIP:
            return HEADERS[section] or None  # the title in full, however short it shows
        return None

    def setHeaderData(self, section: int, orientation: Qt.Orientation, value,  # noqa: N802
                      role: int = DISPLAY) -> bool:
        """Show ``value`` as the title of column ``section`` (its tooltip stays in full)."""
        if orientation != Qt.Orientation.Horizontal or role != DISPLAY:
            return False
        self._titles[section] = value
        self.headerDataChanged.emit(orientation, section, section)
        return True

    def data(self, index: _Index, role: int = DISPLAY):
        return self.value(index.row(), index.column(), role) if index.isValid() else None

    def value(self, row: int, column: int, role: int):
        """What ``data`` returns; roles are compared as ints (Qt enums are slow in Python)."""
        if role == DISPLAY:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == DECORATION:
            return self._thumbnail(row) if column == THUMB else None
        if role == FOREGROUND:
            colour = CALL_COLOURS.get(self._text(row, column)) if column in (CALL, FINAL) else None
            return colour and readable(colour, QPalette.ColorRole.Base)
        if role == FONT:
            return self._bold if column == FINAL and self.batch.reviewed(row) else None
        if role == TOOLTIP and column in (UNCERTAIN, REVIEW):  # in words, if shown as a mark
            return self._text(row, column) or None
        if (role == TOOLTIP and column in (FILE, ERROR, THUMB)
                or role == SPOKEN_MORE and column == THUMB):  # the file in full, any error
            result = self.batch.results[row]
            note = result.error or (LEARNED_TIP if result.learned else "")
            return f"{os.path.abspath(result.path)}\n{note}".strip()
        if role == SPOKEN and column == THUMB:  # the picture, all a gallery tile shows
            return self.spoken(row)
        if role == ALIGNMENT and column == PROB:
            return RIGHT
        return None

    def _text(self, row: int, column: int) -> str:
        batch, result = self.batch, self.batch.results[row]
        if column == FILE:
            return self.name(row)
        if column == PROB:
            return probability_text(batch, row)
        if column == CALL:
            return batch.call(row)
        if column == UNCERTAIN:
            return UNCERTAIN_TEXT if batch.uncertain(row) else ""
        if column == REVIEW:
            return REVIEW_TEXT[batch.review(row)]
        if column == FINAL:
            return batch.final_call(row)
        if column == ERROR:
            return result.error or (LEARNED_TEXT if result.learned else "")
        return ""

    def spoken(self, row: int) -> str:
        """The cell in words for a screen reader: "parasitized/cell_3.png: uninfected,
        overridden; the model's call parasitized, P(parasitized) 0.873"."""
        batch, result = self.batch, self.batch.results[row]
        if not result.ok:
            return f"{self.name(row)}: no call, {result.error}"
        review = batch.review(row) or "not reviewed"  # confirmed, overridden or unsure
        uncertain = ", uncertain" if batch.uncertain(row) else ""
        learned = f", {LEARNED_TEXT}" if result.learned else ""
        return (f"{self.name(row)}: {batch.final_call(row)}, {review}; the model's call "
                f"{batch.call(row)}{uncertain}, P(parasitized) {probability_text(batch, row)}"
                f"{learned}")

    def _sort_key(self, row: int, column: int):
        if column == PROB:
            p = self.batch.results[row].probability
            return -1.0 if p is None else p
        if column == FILE:
            return path_key(self.name(row))
        if column == THUMB:
            return row  # the order the files were opened in
        return self._text(row, column)

    def name(self, row: int) -> str:
        """The row's file relative to the folder opened (``parasitized/cell_12.png``), and for
        a cell of a whole field its number (``fields/PA171710.JPG #12``)."""
        name = self._names.get(row)
        if name is None:
            result = self.batch.results[row]
            name = relative_name(result.path, self.batch.folder)
            if result.box:
                name = f"{name} #{result.cell_index}"
            self._names[row] = name
        return name

    def _thumbnail(self, row: int):
        result = self.batch.results[row]
        if not result.ok:
            return self._warning
        image = self.thumbnails.get(row, result)
        if image is None:
            return None
        return self._warning if image.isNull() else image

    # -- batch events --------------------------------------------------------------------
    def _on_reset(self) -> None:
        self.beginResetModel()
        self.thumbnails.clear()
        self._names.clear()
        self._rows = len(self.batch)
        self.endResetModel()

    def _on_appended(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)
        self._rows = last + 1
        self.endInsertRows()

    def _on_relabelled(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, CALL), self.index(self._rows - 1, FINAL))

    def _on_reviewed(self, rows: list[int]) -> None:
        self.dataChanged.emit(self.index(rows[0], CALL), self.index(rows[-1], FINAL))

    def _on_renamed(self) -> None:
        """The folder the rows are named from changed: every File text is made again."""
        self._names.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, FILE), self.index(self._rows - 1, FILE))

    def _on_thumbnail_ready(self, row: int) -> None:
        if row < self._rows:
            index = self.index(row, THUMB)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
