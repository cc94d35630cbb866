"""The cell list in one place as a table or a gallery of the same rows, the one shown taking
the keys (see :class:`~malariascope.gui.results_view.ResultsView` and
:class:`~malariascope.gui.gallery_view.GalleryView`)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from malariascope.core.tally import UNSURE
from malariascope.gui.actions import WindowActions
from malariascope.gui.gallery_view import GalleryView
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import FILE, PROB, THUMB
from malariascope.gui.results_view import ResultsView
from malariascope.gui.undo import ReviewUndo


class CellLists(QStackedWidget):
    """The table or a gallery of its rows in one place, as ``actions.gallery`` is checked; the
    one shown takes the keys. ``revisited`` gives the rows an undo or redo changed: those shown
    are selected, and :attr:`message` names those the filter hides, until :attr:`withdrawn`
    takes that back at the next review or batch. A new batch (a new case, a restored or a
    past one) shows every cell in the table, as at start: a filter or the review queue kept
    from the last slide would show a few of its cells as if they were all."""

    opened = Signal(int)  # the source row double-clicked in either
    gallery_toggled = Signal(bool)  # True: the gallery shows now, False: the table
    selection_counted = Signal(int)  # how many cells the review keys act on now
    message = Signal(str)  # one line for the status bar
    withdrawn = Signal(str)  # a message that no longer holds

    def __init__(self, table: ResultsView, actions: WindowActions, revisited: Signal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table, self._toggle = table, actions.gallery
        self._show_all = actions.filters[Filter.ALL]
        self.gallery = GalleryView(table.proxy(), table.selectionModel(),
                                   table.devicePixelRatioF())
        self.addWidget(table)
        self.addWidget(self.gallery)
        self.setFocusProxy(table)
        self.gallery.opened.connect(self.opened)
        table.follow_moves_in(self.gallery)
        self._toggle.toggled.connect(self.show_gallery)
        # the queue is the gallery of the To review filter, however it came to show
        self._queue, self._to_review = actions.review_queue, actions.filters[Filter.TO_REVIEW]
        for action in (self._toggle, self._to_review):
            action.toggled.connect(self._show_queue_state)
        revisited.connect(self._on_revisited)
        table.doubleClicked.connect(self._on_table_double_clicked)
        self._review_actions = (*actions.review, actions.clear_review)
        table.current_changed.connect(self._enable_review)
        table.selectionModel().selectionChanged.connect(self._enable_review)
        # a filter that hides selected cells (a threshold moved) drops them from the selection
        # without a selectionChanged: count what the keys act on again
        for rearranged in (table.proxy().layoutChanged, table.proxy().modelReset,
                           table.proxy().rowsRemoved):
            rearranged.connect(self._enable_review)
        self._hidden_note = ""  # the last note on cells the filter hides, until withdrawn
        events = table.proxy().batch.events
        events.reset.connect(self._on_new_batch)
        # any review ends the note: an undo's own review too, made before it names its cells
        events.reviewed.connect(lambda _rows: self._withdraw_note())

    def _show_queue_state(self) -> None:
        self._queue.setChecked(self._toggle.isChecked() and self._to_review.isChecked())

    def _withdraw_note(self) -> None:
        if self._hidden_note:
            self.withdrawn.emit(self._hidden_note)
            self._hidden_note = ""

    def _on_new_batch(self) -> None:
        """Show another case from its start: every cell, in the table, in screening order
        (a restored work's own view is put back after, see ``WorkView``)."""
        self._withdraw_note()
        self._show_all.trigger()  # as Ctrl+1 does: the filter bar follows
        self._toggle.setChecked(False)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _on_revisited(self, rows: list[int], done: str) -> None:
        """Select the cells an undo or redo changed; name any the filter hides, which the
        technician would otherwise not see change."""
        self.gallery.select_source_rows(rows)
        proxy = self.table.proxy()
        hidden = [row for row in rows if not proxy.mapFromSource(
            proxy.sourceModel().index(row, FILE)).isValid()]
        if hidden:
            names = ", ".join(proxy.sourceModel().name(row) for row in hidden[:3])
            more = f" and {len(hidden) - 3} more" if len(hidden) > 3 else ""
            cells = "a cell" if len(hidden) == 1 else f"{len(hidden)} cells"
            self._hidden_note = (f"{done} on {cells} the filter hides: {names}{more} "
                                 "(Ctrl+1 shows all cells)")
            self.message.emit(self._hidden_note)

    def _enable_review(self, *_: object) -> None:
        """The review keys and buttons are on while a cell they act on has a call: off on an
        unreadable file's row (the detail panel says why), on for a selection of cells whose
        current tile is one (on a past case the keys say why nothing changes)."""
        batch, current = self.table.proxy().batch, self.table.current_source_row()
        # the current cell first: a selection of thousands is walked only when it is unreadable
        reviewable = (current is not None and batch.results[current].ok) or any(
            batch.results[row].ok for row in self.selected_rows())
        for action in self._review_actions:
            action.setEnabled(reviewable)
        self.selection_counted.emit(self._reviewed_count() if reviewable else 0)

    def _reviewed_count(self) -> int:
        """How many cells the review keys act on: those selected with a call (unreadable
        files are passed over), counted without walking the selection when none is."""
        batch = self.table.proxy().batch
        if not batch.counts.errors:
            return self.gallery.selected_count() or 1
        return sum(batch.results[row].ok for row in self.selected_rows())

    def _on_table_double_clicked(self, *_: object) -> None:
        row = self.table.current_source_row()
        if row is not None:
            self.opened.emit(row)

    def gallery_shown(self) -> bool:
        return self.currentWidget() is self.gallery

    def selected_rows(self) -> list[int]:
        """The selected cells' batch rows in the order shown, else the current cell's."""
        current = self.table.current_source_row()
        return self.gallery.selected_source_rows() or ([] if current is None else [current])

    def review(self, rows: list[int], call: str | None, reviews: ReviewUndo,
               say: Callable[[str, int], object]) -> None:
        """Press ``call`` on ``rows`` as one step of ``reviews``; one cell reviewed moves on to
        the next, but not one cleared (None). ``say`` shows a line for some milliseconds."""
        self.setFocus()  # after a review button's click, the next key reviews too
        after = self.table.source_row_after(rows[0])  # before the review re-sorts or filters
        if not reviews.press(rows, call):
            say(f"No call to review: {reviews.batch.results[rows[0]].error} (Down goes on)", 8000)
        elif call is None or len(rows) > 1:
            return
        elif after is not None:
            self.table.select_source_row(after)
        else:
            say(f"Last cell of the list {'marked unsure' if call == UNSURE else 'reviewed'}", 5000)

    def sort_by_probability(self) -> None:
        """Both lists in the order of P(parasitized), highest first."""
        self.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)

    def show_queue(self, set_filter: Callable[[Filter], object],
                   unsure: Collection[int] = ()) -> None:
        """The review queue: the gallery of the cells that need eyes and have none yet
        (``set_filter`` shows the filter's rows), highest P first, the first selected. With
        the queue empty, the Unreviewed show instead, the first of the rows ``unsure``
        (marked unsure, so out of the queue) selected: being flagged, they come first."""
        self._toggle.setChecked(True)
        set_filter(Filter.TO_REVIEW)
        proxy = self.table.proxy()
        among = set(unsure) if unsure and not proxy.rowCount() else None
        if among:
            set_filter(Filter.UNREVIEWED)
        self.sort_by_probability()
        shown = map(proxy.source_row, range(proxy.rowCount()))
        first = next((row for row in shown if among is None or row in among), None)
        if first is not None:
            self.table.select_source_row(first)
        self.table.stop_following_top()  # the queue's first cell is the technician's to read
        self.gallery.scrollToTop()

    def show_gallery(self, on: bool) -> None:
        """Show the gallery (``on``) or the table; the gallery opens sorted by P(parasitized),
        highest first, unless the table was sorted otherwise."""
        if on and self.table.horizontalHeader().sortIndicatorSection() < 0:
            self.sort_by_probability()
        view = self.gallery if on else self.table
        toggled = (self.currentWidget() is self.gallery) != on
        had_focus = self.focusWidget() is not None and self.focusWidget().hasFocus()
        self.setCurrentWidget(view)
        if toggled:
            self.gallery_toggled.emit(on)
        self.setFocusProxy(view)
        if had_focus:
            view.setFocus()
        current = view.currentIndex()
        if current.isValid():
            view.scrollTo(current.siblingAtColumn(THUMB if on else FILE))
