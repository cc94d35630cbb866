"""The main window: cell list, selected cell, the case, summary, menus, status and progress.

It owns one :class:`~malariascope.gui.batch.Batch` (the cells of the case the window holds)
and one :class:`~malariascope.gui.controller.ScreeningController`; widgets get the batch in
their ``__init__`` and follow its events, and this class only wires user actions to the two
(what each menu action does is in ``action_slots``).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from malariascope.gui import dialogs, help_pages, settings
from malariascope.gui.action_slots import connect_actions
from malariascope.gui.actions import WindowActions
from malariascope.gui.autosave import Autosaver
from malariascope.gui.autosave_mark import mark_autosave
from malariascope.gui.batch import Batch
from malariascope.gui.batch_controls import BatchControls
from malariascope.gui.case_flow import CaseFlow
from malariascope.gui.case_panel import CasePanel
from malariascope.gui.case_rest import CaseRest
from malariascope.gui.case_state import OpenCase
from malariascope.gui.cell_lists import CellLists
from malariascope.gui.cell_window import CellWindow
from malariascope.gui.controller import ScreeningController
from malariascope.gui.detail_view import DetailView
from malariascope.gui.export_flow import ExportFlow
from malariascope.gui.field_place import FieldPlace
from malariascope.gui.field_view import FieldView
from malariascope.gui.keys import KeyRouting
from malariascope.gui.model_menu import ModelMenu
from malariascope.gui.open_recent import OpenRecent
from malariascope.gui.past_case import PastCaseView
from malariascope.gui.resources import app_icon
from malariascope.gui.results_proxy import Filter, ResultsFilterProxy
from malariascope.gui.results_table import ResultsTableModel
from malariascope.gui.results_view import ResultsView
from malariascope.gui.status_bar import StatusBar
from malariascope.gui.summary_panel import SummaryPanel
from malariascope.gui.undo import ReviewUndo
from malariascope.gui.view_state import WorkView
from malariascope.gui.window_layout import WindowLayout, open_at_first_size
from malariascope.gui.window_title import WindowTitle


class MainWindow(QMainWindow):
    """MalariaScope's window; ``open_paths`` and ``export_to`` are the scriptable entry points."""

    def __init__(self, persist_settings: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.persist_settings = persist_settings  # False: a smoke test leaves no trace
        self.setWindowTitle("MalariaScope[*]")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.batch = Batch()
        self.controller = ScreeningController(self.batch, self)
        self.case = OpenCase(self.batch, lambda: self.controller.unlike.limit)
        self.autosave = Autosaver(self.batch, self.controller, self)  # on once resumed
        self.past_case = PastCaseView(self)  # a case of the register, read-only
        self.title = WindowTitle(self)
        self.exports = ExportFlow(self, self.batch, self.controller, self.show_queue,
                                  lambda: not (self.past_case.shown or self.case.signed),
                                  lambda: self.case_flow.enter_sample_id(), persist_settings)
        self.field_view = FieldView(self.batch, self.controller.workers)
        self.actions = WindowActions(self)
        self.table_model = ResultsTableModel(self.batch, self.devicePixelRatioF(), self)
        self.proxy = ResultsFilterProxy(self.table_model, self)
        self.table = ResultsView(self.proxy)
        self.reviews = ReviewUndo(self.batch, self.actions.undo, self.actions.redo, self)
        self.lists = CellLists(self.table, self.actions, self.reviews.revisited)
        self.gallery = self.lists.gallery
        self.detail = DetailView(self.batch, self.controller.workers, self.actions.review)
        self.cell_window = CellWindow(self.batch, self.controller.workers, self.actions,
                                      self.table.current_changed, self.lists.opened,
                                      self.lists, self)
        self.controls = BatchControls(self.batch)
        self.summary = SummaryPanel(self.batch, self.controller)
        self.rest = CaseRest(self.actions.screen_rest, self.controller)  # File > Screen the rest
        self.case_panel = CasePanel(self.case, (self.rest, *self.actions.case_actions),
                                    self.controller, persist_settings)
        self.central = WindowLayout(self.summary, self.actions.filters.values(), self.lists,
                                    self.field_view, self.controls, self.detail, self.case_panel)
        self.setCentralWidget(self.central)
        self.status = StatusBar(self.controller)
        self.setStatusBar(self.status)
        self.actions.populate(self)
        self.models = ModelMenu(self, self.controller, remember=persist_settings)
        self.case_flow = CaseFlow(self)  # File's case actions, its reports too
        connect_actions(self)
        self._connect()
        self.keys = KeyRouting(self, home=self.lists)
        self.work_view = WorkView(self.lists, self.actions, self.autosave, self.set_filter,
                                  persist_settings)
        self.restore_settings()
        self.recent = OpenRecent(self)  # File > Open recent
        self.actions.update_recent(settings.recent_folders())

    # -- building ------------------------------------------------------------------------
    def _connect(self) -> None:
        controller, batch = self.controller, self.batch
        controller.model_ready.connect(self._on_batch_changed)
        controller.model_failed.connect(lambda reason: dialogs.model_not_loaded(
            self, reason, chosen=controller.model is not None))
        controller.progress.connect(self._on_batch_changed)
        controller.idle.connect(self._on_batch_changed)
        self.autosave.message.connect(self.status.note)
        settings.WRITES.unsaved.connect(self.status.note_once)
        self.autosave.written.connect(lambda: self.status.tell_news(self.autosave.register))
        panel = self.case_panel  # facts typed there are saved a moment later, not per key
        self.autosave.pace.watch((*panel.lines.values(), panel.notes, panel.rbc))
        self.status.take_notes(self.lists.message, self.lists.withdrawn)
        mark_autosave(self.autosave, self.status)
        self.autosave.restored.connect(self._on_restored)
        self.autosave.rest_asked.connect(self.screen_rest)  # as the Case tab's button does
        controller.screening_finished.connect(self._on_screening_finished)
        self.table.current_changed.connect(self._on_current_changed)
        self.lists.selection_counted.connect(self.detail.show_selected)
        self.field_view.cell_clicked.connect(self._on_field_cell_clicked)
        self.field_view.field_changed.connect(self.summary.set_field)
        FieldPlace(self.central.field_box, self.field_view, batch, controller)
        # a click anywhere on the field, a drag too, gives the list the keys, so a P after
        # panning reviews the cell and never lands in a sample id typed before; the policy
        # is set before the proxy, as Qt passes it on to a proxy: the list stays a Tab stop
        self.field_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.field_view.setFocusProxy(self.lists)
        self.controls.entered.connect(self.lists.setFocus)
        self.status.take_notes(self.controls.message, self.controls.withdrawn)
        batch.events.appended.connect(lambda *_: self.table.select_first_if_none())
        batch.events.changed.connect(self._on_batch_changed)
        self._on_batch_changed()

    # -- opening -------------------------------------------------------------------------
    def start(self) -> None:
        """Begin loading the model (call after the window is shown: it paints first)."""
        self.status.showMessage("Loading model…")
        self.controller.load_model(settings.chosen_model() if self.persist_settings else None)

    def open_paths(self, paths: Sequence[str | os.PathLike[str]]) -> bool:
        """Add the cells of ``paths`` (files and folders, recursively) to the open case, each
        by its full path: the case and its register copy outlive the current folder."""
        paths = [Path(os.path.abspath(p)) for p in paths]
        if not paths or not self._ready_to_add():
            return False
        self.controller.screen(paths)  # its worker finds which are folders, for Open recent
        self._on_adding()
        return True

    def screen_rest(self) -> bool:
        """Add the images of the open case's inputs cut short that it does not hold yet,
        after its cells (File > Screen the rest, or Restore and screen the rest at start),
        once a look finds their folders still there (:meth:`CaseRest.click`); False, after
        saying why, when refused at once."""
        return self.rest.click(self._add_rest, self.status.note)

    def _add_rest(self) -> None:
        if self._ready_to_add():
            self.controller.screen_rest()
            self._on_adding()

    def _ready_to_add(self) -> bool:
        """True when images can be added to the case on show; else False, after saying why."""
        if self.controller.model_error:
            dialogs.cannot_screen(self, self.controller.model_error,
                                  chosen=self.controller.model is not None)
            return False
        return self.case_flow.ready_to_add()

    def _on_adding(self) -> None:
        self.set_batch_title()
        self.lists.setFocus()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    # -- review --------------------------------------------------------------------------
    def review_current(self, call: str | None) -> None:
        """Press ``call`` (``confirm``: the model's call) on the selected cells, or on the cell
        the full-size window shows when it has the keys, as one undoable step; one cell
        reviewed moves on to the next, but not one cleared (None)."""
        rows = self.cell_window.shown_rows() or self.lists.selected_rows()
        if rows and not self.past_case.refuse_review() and not self.case_flow.refuse_signed(
                "review it"):
            self.lists.review(rows, call, self.reviews, self.status.showMessage)

    def _on_current_changed(self, row: int | None) -> None:
        self.detail.show_row(row)
        self.field_view.show_row(row)
        self.actions.full_size.setEnabled(row is not None)

    def _on_field_cell_clicked(self, row: int) -> None:
        if not self.table.select_source_row(row):  # hidden by the filter: show every row
            self.set_filter(Filter.ALL)
            self.table.select_source_row(row)

    def set_screen_mode(self, mode: str) -> None:
        """Screen the next images opened as ``mode`` (see ``core.pipeline.MODES``); an unknown
        mode, e.g. from the settings of another version, leaves the current one."""
        if mode in self.actions.modes:
            self.controller.mode = mode
            self.actions.modes[mode].setChecked(True)

    def set_batch_title(self, state: str | None = None) -> None:
        """Name the case on show and what its screening left, ``state``, in the title bar; by
        default "partial" when the batch on show was cut short, as a case read from the
        register can be, and nothing while it screens."""
        if state is None:
            controller = self.controller
            state = "" if controller.complete or controller.screening else "partial"
        self.title.show(state)

    def _on_screening_finished(self, cells: int, complete: bool) -> None:
        self.set_batch_title("" if complete else "partial")

    def _on_restored(self) -> None:
        self.set_batch_title("restored" if self.controller.complete else "restored, partial")

    def set_filter(self, mode: Filter) -> None:
        """Show the rows of ``mode``; the keys go to the list (its buttons take no focus)."""
        self.lists.setFocus()
        self.proxy.set_filter(mode)
        self.actions.filters[mode].setChecked(True)
        self.table.select_first_if_none()
        self.table.scroll_to_current()

    # -- long work -----------------------------------------------------------------------
    def _on_batch_changed(self, *_: object) -> None:
        busy = self.controller.screening or self.controller.exporting
        self.actions.export.setEnabled(len(self.batch) > 0 and not busy)
        self.actions.cancel.setEnabled(busy and not self.controller.stopping)
        for action in self.actions.field_actions:
            action.setEnabled(self.batch.has_fields)

    # -- export --------------------------------------------------------------------------
    def export_to(self, path: str | os.PathLike[str], overwrite: bool = False) -> None:
        """Write the report of the batch (with reviews) in a worker."""
        self.exports.export_to(path, overwrite)

    def show_queue(self, unsure: Collection[int] = ()) -> None:
        """The review queue (Q): only the flagged cells nobody has reviewed, the first
        selected, so the review keys never land on a cell reviewed before; with the queue
        empty, the rows ``unsure`` among the unreviewed (see ``CellLists.show_queue``); the
        cell panel beside it shows the selected cell, not the case."""
        self.central.show_cell()
        self.lists.show_queue(self.set_filter, unsure)

    def show_about(self) -> QMessageBox:
        return help_pages.show_about(self, self.controller.classifier)

    # -- settings and closing ------------------------------------------------------------
    def restore_settings(self) -> None:
        """Size, layout and preferences of the last session (defaults the first time)."""
        store = settings.app_settings()
        if not settings.restore_state(store, "window/geometry", self.restoreGeometry):
            open_at_first_size(self)
        settings.restore_state(store, "window/state", self.restoreState)
        for widget in (self.central, self.detail, self.case_panel, self.gallery):
            widget.restore_settings(store)
        self.set_screen_mode(str(store.value("screen_mode", "auto")))

    def save_settings(self) -> None:
        """Remember what :meth:`restore_settings` restores."""
        store = settings.app_settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        for widget in (self.central, self.detail, self.case_panel, self.gallery):
            widget.save_settings(store)
        store.setValue("screen_mode", self.controller.mode)
        if unsaved := settings.write_now(store):  # the window goes: a box waits to be read
            QMessageBox.warning(self, "Settings not saved", dialogs.breakable(unsaved))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.case_flow.leaving.may_quit():
            event.ignore()
            return
        if self.persist_settings:
            self.save_settings()
        self.controller.shutdown()
        self.autosave.close()  # after the writes: no save can follow and undo it
        self.table_model.thumbnails.shutdown()
        self.gallery.thumbnails.shutdown()
        event.accept()

