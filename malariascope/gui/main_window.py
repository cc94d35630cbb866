"""The main window: cell list, selected cell, summary, batch fields, menus, status and progress.

It owns one :class:`~malariascope.gui.batch.Batch` and one
:class:`~malariascope.gui.controller.ScreeningController`; widgets get the batch in their
``__init__`` and follow its events, and this class only wires user actions to the two.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from malariascope.gui import dialogs, settings
from malariascope.gui.actions import WindowActions
from malariascope.gui.autosave import Autosaver
from malariascope.gui.batch import Batch
from malariascope.gui.batch_controls import BatchControls
from malariascope.gui.controller import ScreeningController
from malariascope.gui.detail_view import DetailView
from malariascope.gui.field_view import FieldView
from malariascope.gui.resources import app_icon
from malariascope.gui.results_proxy import Filter, ResultsFilterProxy
from malariascope.gui.results_table import ResultsTableModel, ResultsView
from malariascope.gui.summary_panel import SummaryPanel
from malariascope.gui.task_status import TaskStatus
from malariascope.gui.window_layout import WindowLayout


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
        self.autosave = Autosaver(self.batch, self.controller, self)  # on once resumed
        self.field_view = FieldView(self.batch, self.controller.workers)  # before its actions
        self.actions = WindowActions(self)
        self.table_model = ResultsTableModel(self.batch, self.devicePixelRatioF(), self)
        self.proxy = ResultsFilterProxy(self.table_model, self)
        self.table = ResultsView(self.proxy)
        self.detail = DetailView(self.batch, self.controller.workers, self.actions.review)
        self.controls = BatchControls(self.batch)
        self.summary = SummaryPanel(self.batch)
        self.central = WindowLayout(self.summary, self.actions.filters.values(), self.table,
                                    self.field_view, self.controls, self.detail)
        self.setCentralWidget(self.central)
        self._build_status_bar()
        self.actions.populate_menus(self.menuBar())
        self._connect()
        settings.restore_window(self)
        self.actions.update_recent(settings.recent_folders())

    # -- building ------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.task_status = TaskStatus(self.controller)
        self.model_label = QLabel("Loading model…")
        self.statusBar().addPermanentWidget(self.task_status)
        self.statusBar().addPermanentWidget(self.model_label)

    def _connect(self) -> None:
        controller, batch = self.controller, self.batch
        controller.model_ready.connect(self._on_model_ready)
        controller.model_failed.connect(self._on_model_failed)
        controller.progress.connect(self._on_progress)
        controller.idle.connect(self._on_batch_changed)
        controller.message.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        controller.export_failed.connect(self._on_export_failed)
        controller.export_finished.connect(self._on_exported)
        self.autosave.message.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.autosave.restored.connect(lambda: self.set_batch_title(
            "restored" if self.controller.complete else "restored, incomplete"))
        controller.screening_finished.connect(self._on_screening_finished)
        self.table.current_changed.connect(self._on_current_changed)
        self.field_view.cell_clicked.connect(self._on_field_cell_clicked)
        # a click anywhere on the field, a drag too, gives the list the keys: after panning,
        # a P meant for the cell went into the sample id being typed before
        self.field_view.setFocusProxy(self.table)
        self.field_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.controls.entered.connect(self.table.setFocus)
        batch.events.appended.connect(self._on_rows_appended)
        batch.events.changed.connect(self._on_batch_changed)
        self._on_batch_changed()

    # -- opening -------------------------------------------------------------------------
    def start(self) -> None:
        """Begin loading the model (call after the window is shown: it paints first)."""
        self.statusBar().showMessage("Loading model…")
        self.controller.load_model()

    def open_paths(self, paths: Sequence[str | os.PathLike[str]]) -> bool:
        """Screen ``paths`` (files and folders, recursively) as a new batch."""
        paths = [Path(p) for p in paths]
        if self.controller.model_error:
            dialogs.message(self, QMessageBox.Icon.Critical, "Cannot screen",
                            f"{self.controller.model_error}.\n\nNothing can be screened until "
                            "the model is repaired (reinstall MalariaScope); the cells in the "
                            "window stay, and can still be reviewed and exported.")
            return False
        if not paths or not self._confirm_discard("Open a new batch"):
            return False
        if self.persist_settings:
            for folder in (p for p in paths if p.is_dir()):
                settings.add_recent_folder(folder)
            self.actions.update_recent(settings.recent_folders())
        self.controller.screen(paths)
        self.set_batch_title()
        self.table.setFocus()
        return True

    def _on_open_images(self) -> None:
        files = dialogs.ask_images(self)
        if files:
            self.open_paths(files)

    def _on_open_folder(self) -> None:
        folder = dialogs.ask_folder(self)
        if folder:
            self.open_paths([folder])

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
        """Set the final call of the selected cell (``confirm`` for the model's call) and move
        on; clearing a review (None) stays on the cell, to review it again."""
        row = self.table.current_source_row()
        if row is None:
            return
        self.table.setFocus()  # after a review button's click, the next key reviews too
        after = self.table.source_row_after(row)  # before the review re-sorts or filters
        if call == "confirm":
            done = self.batch.confirm(row)
        else:
            done = self.batch.set_review(row, call)
        if not done:
            self.statusBar().showMessage(
                f"No call to review: {self.batch.results[row].error} (Down goes on)", 8000)
        elif call is None:
            return
        elif after is not None:
            self.table.select_source_row(after)
        else:
            self.statusBar().showMessage("Last cell of the list reviewed", 5000)

    def _on_current_changed(self, row: int | None) -> None:
        self.detail.show_row(row)
        self.field_view.show_row(row)
        self.summary.set_field(self.field_view.field())
        for action in (*self.actions.review, self.actions.clear_review):
            # enabled on an unreadable file's row too: a key there says why nothing happens
            action.setEnabled(row is not None)

    def _on_field_cell_clicked(self, row: int) -> None:
        if not self.table.select_source_row(row):  # hidden by the filter: show every row
            self.set_filter(Filter.ALL)
            self.table.select_source_row(row)

    def _on_rows_appended(self, first: int, last: int) -> None:
        self.table.select_first_if_none()

    def set_screen_mode(self, mode: str) -> None:
        """Screen the next images opened as ``mode`` (see ``core.pipeline.MODES``); an unknown
        mode, e.g. from the settings of another version, leaves the current one."""
        if mode in self.actions.modes:
            self.controller.mode = mode
            self.actions.modes[mode].setChecked(True)

    def set_batch_title(self, state: str = "") -> None:
        """Name the batch in the title bar: its first three sources, and its ``state`` when
        that is worth seeing all along: "restored" after a crash, "incomplete" after a cancel
        (the status line saying so fades)."""
        names = self.batch.facts.sources
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        self.setWindowTitle(f"MalariaScope — {f'{state}: ' if state else ''}{shown}[*]")

    def _on_screening_finished(self, cells: int, complete: bool) -> None:
        if not complete:
            self.set_batch_title("incomplete")

    def set_filter(self, mode: Filter) -> None:
        """Show the rows of ``mode``; the keys go to the list (its buttons take no focus)."""
        self.table.setFocus()
        self.proxy.set_filter(mode)
        self.actions.filters[mode].setChecked(True)
        self.table.select_first_if_none()
        self.table.scroll_to_current()

    # -- long work -----------------------------------------------------------------------
    def _on_model_ready(self, name: str) -> None:
        seconds = self.controller.model_seconds
        self.model_label.setText(f"Model: {name}")
        self.statusBar().showMessage(f"Model ready: {name} (loaded in {seconds:.1f} s)", 15_000)
        self._on_batch_changed()

    def _on_model_failed(self, reason: str) -> None:
        self.model_label.setText("No model")
        self.statusBar().showMessage(reason)
        dialogs.message(self, QMessageBox.Icon.Critical, "Model not loaded",
                        f"{reason}\n\nMalariaScope cannot screen until it is reinstalled; "
                        "cells already in the window can still be reviewed and exported.")

    def _on_progress(self, text: str, done: int, total: int) -> None:
        self.statusBar().showMessage(text)
        self._on_batch_changed()

    def _on_batch_changed(self) -> None:
        busy = self.controller.screening or self.controller.exporting
        self.actions.export.setEnabled(len(self.batch) > 0 and not busy)
        self.actions.cancel.setEnabled(busy)
        self.setWindowModified(self.batch.unsaved)
        self.central.field_box.setVisible(self.batch.has_fields)
        for action in self.actions.field_actions:
            action.setEnabled(self.batch.has_fields)

    # -- export --------------------------------------------------------------------------
    def _on_export(self) -> None:
        """Export, after offering to review the uncertain cells that have no final call."""
        waiting = self.batch.counts.unreviewed_uncertain
        if waiting:
            dialogs.ask_export_unreviewed(self, waiting, review=self._show_unreviewed,
                                          export=self._choose_report)
        else:
            self._choose_report()

    def _choose_report(self) -> None:
        chosen = dialogs.ask_report_path(self, self.batch.facts.sample_id)
        if chosen:
            self.export_to(*chosen)

    def _show_unreviewed(self) -> None:
        """List the uncertain cells and select the first one that has no final call."""
        first = self.batch.first_unreviewed_uncertain()
        self.set_filter(Filter.UNCERTAIN)
        if first is not None:
            self.table.select_source_row(first)

    def export_to(self, path: str | os.PathLike[str], overwrite: bool = False) -> None:
        """Write the report of the batch (with reviews) in a worker."""
        self.controller.export(Path(path), overwrite)
        self._on_batch_changed()

    def _on_exported(self, path: str) -> None:
        if self.persist_settings:
            dialogs.remember_export_folder(Path(path))

    def _on_export_failed(self, reason: str) -> None:
        dialogs.export_failed(self, reason, retry=self._choose_report)

    def _confirm_discard(self, doing: str) -> bool:
        """True when there are no unsaved reviews, or the user agrees to lose them."""
        return not self.batch.unsaved or dialogs.confirm_discard(self, doing,
                                                                 self.batch.counts.reviewed)

    def show_about(self) -> QMessageBox:
        classifier = self.controller.classifier
        card = classifier.card.data if classifier else None
        return dialogs.show_about(self, card, classifier.model_name if classifier else "")

    # -- closing -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard("Quit"):
            event.ignore()
            return
        if self.persist_settings:
            settings.save_window(self)
        self.controller.shutdown()
        self.autosave.close()  # after the workers: no save can follow and undo it
        self.table_model.thumbnails.shutdown()
        event.accept()

