"""The window's actions (menus, toolbar, keys) in one place, so every key is discoverable.

Review keys are plain letters and Space with a window-wide context: Qt gives text fields the
first refusal of such keys, so typing a sample id never reviews a cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QStyle

from malariascope.gui.batch import PARASITIZED, UNINFECTED
from malariascope.gui.results_proxy import Filter

if TYPE_CHECKING:
    from malariascope.gui.main_window import MainWindow

MODES = {  # core.pipeline.MODES: what an opened image is screened as
    "auto": "&Cells, or whole fields when much larger than a cell",
    "cell": "Each image is &one cell",
    "field": "Each image is a &whole field",
}


class WindowActions:
    """Creates the actions of ``window`` and connects them to its methods."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        style = window.style()
        icon = style.standardIcon
        self.open_images = self._action("&Open images…", QKeySequence.StandardKey.Open,
                                        window._on_open_images,
                                        icon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.open_folder = self._action("Open &folder…", "Ctrl+Shift+O", window._on_open_folder,
                                        icon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.export = self._action("&Export CSV report…", "Ctrl+E", window.exports.start,
                                   icon(QStyle.StandardPixmap.SP_DialogSaveButton))
        self.cancel = self._action("&Cancel", "Esc", window.controller.cancel,
                                   icon(QStyle.StandardPixmap.SP_BrowserStop))
        self.quit = self._action("&Quit", QKeySequence.StandardKey.Quit, window.close)
        self.about = self._action("&About MalariaScope", "", window.show_about)
        self.mark_parasitized = self._action("&Parasitized", "P", partial(
            window.review_current, PARASITIZED), tip="Final call: parasitized (P)")
        self.mark_uninfected = self._action("&Uninfected", "U", partial(
            window.review_current, UNINFECTED), tip="Final call: uninfected (U)")
        self.confirm = self._action("&Confirm", "Space", partial(
            window.review_current, "confirm"), tip="Accept the model's call (Space)")
        self.clear_review = self._action("C&lear review", "Backspace", partial(
            window.review_current, None), tip="Forget the review of this cell (Backspace)")
        self.review = (self.mark_parasitized, self.mark_uninfected, self.confirm)
        for action in (*self.review, self.clear_review):
            action.setEnabled(False)  # until a row is selected
        field = window.field_view
        self.zoom_in = self._action("Zoom &in on the field", QKeySequence.StandardKey.ZoomIn,
                                    field.zoom_in)
        self.zoom_out = self._action("Zoom &out of the field", QKeySequence.StandardKey.ZoomOut,
                                     field.zoom_out)
        self.fit_field = self._action("Show the &whole field", "Ctrl+0", field.fit)
        self.zoom_in.setShortcuts([self.zoom_in.shortcut(), QKeySequence("Ctrl+=")])  # no Shift
        self.field_actions = (self.zoom_in, self.zoom_out, self.fit_field)
        self.filters = self._filter_actions()
        self.modes = self._mode_actions()
        self.recent_menu = QMenu("Open &recent")

    def _action(self, text: str, shortcut, slot, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self._window)
        if icon is not None:
            action.setIcon(icon)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(lambda *_: slot())
        self._window.addAction(action)  # shortcuts work with the menu bar hidden, too
        return action

    def _filter_actions(self) -> dict[Filter, QAction]:
        group = QActionGroup(self._window)
        actions = {}
        for number, mode in enumerate(Filter, start=1):
            action = self._action(mode.value, f"Ctrl+{number}",
                                  partial(self._window.set_filter, mode))
            action.setCheckable(True)
            action.setChecked(mode is Filter.ALL)
            group.addAction(action)
            actions[mode] = action
        return actions

    def _mode_actions(self) -> dict[str, QAction]:
        """How the next images opened are screened (the batch on screen stays as it is)."""
        group = QActionGroup(self._window)
        actions = {}
        for mode, text in MODES.items():
            action = self._action(text, "", partial(self._window.set_screen_mode, mode))
            action.setCheckable(True)
            action.setChecked(mode == self._window.controller.mode)
            group.addAction(action)
            actions[mode] = action
        return actions

    def populate_menus(self, bar: QMenuBar) -> None:
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.open_images, self.open_folder])
        file_menu.addMenu(self.recent_menu)
        file_menu.addMenu("&Screen images as").addActions(list(self.modes.values()))
        file_menu.addSeparator()
        file_menu.addActions([self.export, self.cancel])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        review = bar.addMenu("&Review")
        review.addActions([*self.review, self.clear_review])
        view = bar.addMenu("&View")
        view.addActions(list(self.filters.values()))
        view.addSeparator()
        view.addActions([self.zoom_in, self.zoom_out, self.fit_field])
        bar.addMenu("&Help").addAction(self.about)
        toolbar = self._window.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")  # saveState needs a name
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.open_images, self.open_folder, self.export])

    def update_recent(self, folders: Sequence[Path]) -> None:
        """Rebuild the Open recent menu."""
        menu = self.recent_menu
        menu.clear()
        for folder in folders:
            action = menu.addAction(str(folder))
            action.triggered.connect(lambda *_, f=folder: self._window.open_paths([f]))
        menu.setEnabled(bool(folders))
