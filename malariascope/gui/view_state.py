"""Where the technician was in the window's work: the list's filter and sort, table or
gallery, and the selected cell, kept in the settings each time a save of the work reaches
the register, and put back when that work is restored after a crash, so the cursor lands on
the next cell of the queue they worked through.

This is view state, never the case's record: it lives in the user's settings beside the
case's uid, not in the register, and a restore reads it only for the case of that uid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt

from malariascope.gui import settings
from malariascope.gui.actions import WindowActions
from malariascope.gui.autosave import Autosaver
from malariascope.gui.cell_lists import CellLists
from malariascope.gui.restored import select_where_stopped
from malariascope.gui.results_proxy import Filter

KEY = "work_view"  # the settings' group of the view kept


@dataclass(frozen=True)
class View:
    """The list as it showed the work of case ``uid``."""

    uid: str
    shown: str  # the filter's value (Filter.value)
    column: int  # the sort column, -1: file order
    descending: bool
    gallery: bool
    row: int  # the batch row selected, -1: none


class WorkView(QObject):
    """Keeps the view of ``lists`` over the work ``autosave`` saves, and restores it;
    ``set_filter`` shows a filter's rows as the window's filter buttons do."""

    def __init__(self, lists: CellLists, actions: WindowActions, autosave: Autosaver,
                 set_filter: Callable[[Filter], object], remember: bool = True) -> None:
        super().__init__(lists)
        self._lists, self._actions, self._batch = lists, actions, autosave.batch
        self._set_filter = set_filter
        if remember:  # a smoke test's window leaves no trace
            autosave.written.connect(self._on_written)
        autosave.restored.connect(self._on_restored)

    def now(self) -> View:
        """The list's view as it is now."""
        table = self._lists.table
        header, row = table.horizontalHeader(), table.current_source_row()
        shown = next(mode for mode, action in self._actions.filters.items() if action.isChecked())
        return View(self._batch.case.uid, shown.value, header.sortIndicatorSection(),
                    header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
                    self._lists.gallery_shown(), -1 if row is None else row)

    def _on_written(self) -> None:
        store = settings.app_settings()
        for name, value in vars(self.now()).items():
            store.setValue(f"{KEY}/{name}", value)
        settings.write_now(store)

    def kept(self) -> View | None:
        """The view kept with the window's case, None when none was."""
        store = settings.app_settings()
        if store.value(f"{KEY}/uid", "") != self._batch.case.uid:
            return None
        return View(self._batch.case.uid, str(store.value(f"{KEY}/shown", "")),
                    *(store.value(f"{KEY}/{name}", default, type=type(default))
                      for name, default in (("column", -1), ("descending", False),
                                            ("gallery", False), ("row", -1))))

    def _on_restored(self) -> None:
        """Show the restored work as it was last saved: its view and cell; the cell after
        the last review when that cell is not shown, or no view was kept."""
        view, table = self.kept(), self._lists.table
        if view is not None:
            self._actions.gallery.setChecked(view.gallery)
            column = view.column if view.column < table.model().columnCount() else -1
            table.horizontalHeader().setSortIndicator(
                column, Qt.SortOrder.DescendingOrder if view.descending
                else Qt.SortOrder.AscendingOrder)
            self._set_filter(next((mode for mode in Filter if mode.value == view.shown),
                                  Filter.ALL))
        row = -1 if view is None else view.row
        if not (0 <= row < len(self._batch) and table.select_source_row(row)):
            select_where_stopped(self._batch, table)
