"""The window's actions (menus, toolbar, keys) declared in one place, so every key is
discoverable; the window connects them to what they do.

Review keys are plain letters and Space with a window-wide context: Qt gives text fields the
first refusal of such keys, so typing a sample id never reviews a cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QWidget

from malariascope.gui.results_proxy import Filter

K = TypeVar("K")
MODES = {  # core.pipeline.MODES: what an opened image is screened as
    "auto": "&Cells, or whole fields when much larger than a cell",
    "cell": "Each image is &one cell",
    "field": "Each image is a &whole field",
}


class WindowActions:
    """The actions of a window, added to ``window`` so their keys work with the menu bar
    hidden too."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._add_file_actions()
        self._add_review_actions()
        self._add_view_actions()
        for action in (*self.review, self.clear_review, self.full_size):
            action.setEnabled(False)  # until a cell is selected
        self.filters = self._choices({mode: mode.value for mode in Filter}, shortcuts=True)
        self.modes = self._choices(MODES)  # how the next images opened are screened
        self.recent_menu = QMenu("Open &recent", window)  # its actions' data: the folder

    def _add_file_actions(self) -> None:
        """The actions of the File and Help menus: opening, signing, exporting, help."""
        icon = self._window.style().standardIcon
        pixmap = QStyle.StandardPixmap
        self.new_case = self._action("&New case…", QKeySequence.StandardKey.New,
                                     icon(pixmap.SP_FileIcon))
        self.open_images = self._action("&Open images…", QKeySequence.StandardKey.Open,
                                        icon(pixmap.SP_DialogOpenButton))
        self.open_folder = self._action("Open &folder…", "Ctrl+Shift+O",
                                        icon(pixmap.SP_DirOpenIcon))
        self.screen_rest = self._action("Screen &the rest", "", icon(pixmap.SP_ArrowForward))
        self.export = self._action("&Export CSV report…", "Ctrl+E",
                                   icon(pixmap.SP_DialogSaveButton))
        self.cases = self._action("Case re&gister…", "Ctrl+Shift+R",
                                  tip="Find past cases, reopen one, export them")
        self.sign = self._action("&Sign the result…", "Ctrl+Shift+S",
                                 icon(pixmap.SP_DialogApplyButton))
        self.amend = self._action("&Amend the signed result…", "")
        self.withdraw_amendment = self._action(
            "&Withdraw the amendment", "",
            tip="Sign the case again as it was, while the amendment has changed nothing")
        self.export_pdf = self._action("Export P&DF report…", "Ctrl+Shift+E")
        self.print_report = self._action("&Print report…", QKeySequence.StandardKey.Print)
        self.case_actions = (self.sign, self.export_pdf, self.print_report)
        self.cancel = self._action("&Cancel", "Esc", icon(pixmap.SP_BrowserStop),
                                   tip="Stop screening or export; in a text box Esc stops "
                                       "nothing (Esc)")
        self.quit = self._action("&Quit", QKeySequence.StandardKey.Quit)
        self.keys = self._action("&Keys", "F1", tip="This list of keys (F1)")
        self.how_to_read = self._action("How to read a &call", "")
        self.about = self._action("&About MalariaScope", "")
        self.data_folder = self._action("Show &data folder…", "")

    def _add_review_actions(self) -> None:
        """The review keys, Clear review, Undo and Redo."""
        self.mark_parasitized = self._action("&Parasitized", "P",
                                             tip="Final call: parasitized (P)")
        self.mark_uninfected = self._action("&Uninfected", "U", tip="Final call: uninfected (U)")
        self.confirm = self._action("&Confirm", "Space", tip="Accept the model's call (Space)")
        self.mark_unsure = self._action("U&nsure", "?",
                                        tip="Leave for a second reader: stays unreviewed (?)")
        self.clear_review = self._action("C&lear review", "Backspace",
                                         tip="Forget the review of this cell (Backspace)")
        self.review = (self.mark_parasitized, self.mark_uninfected, self.confirm,
                       self.mark_unsure)  # each a button of the cell panels too
        self.undo = self._action("Un&do review", QKeySequence.StandardKey.Undo)
        self.redo = self._action("&Redo review", "Ctrl+Shift+Z")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # what the keys of a window showing one cell do (the full-size cell window)
        self.cell_keys = (*self.review, self.clear_review, self.undo, self.redo)

    def _add_view_actions(self) -> None:
        """The gallery and review queue, the cell and case panels, the field's zoom."""
        self.gallery = self._action("&Gallery of cells", "G",
                                    tip="Show the cells as a grid of large pictures (G)")
        self.gallery.setCheckable(True)
        self.review_queue = self._action("Review &queue", "Q", tip=(
            "Flagged cells nobody has reviewed, in the gallery, highest P first; again: "
            "every cell (Q)"))
        self.review_queue.setCheckable(True)  # on while the queue shows (``CellLists``)
        self.full_size = self._action("Cell at &full size", "F",
                                      tip="Selected cell at full size (F)")
        self.switch_panel = self._action("Switch &panel: selected cell or case", "Ctrl+Tab",
                                         tip="Show the selected cell or the case")
        self.zoom_in = self._action("Zoom &in on the field", QKeySequence.StandardKey.ZoomIn)
        self.zoom_out = self._action("Zoom &out of the field", QKeySequence.StandardKey.ZoomOut)
        self.fit_field = self._action("Show the &whole field", "Ctrl+0")
        self.zoom_in.setShortcuts([self.zoom_in.shortcut(), QKeySequence("Ctrl+=")])  # no Shift
        self.field_actions = (self.zoom_in, self.zoom_out, self.fit_field)

    def _action(self, text: str, shortcut: QKeySequence.StandardKey | str,
                icon: QIcon | None = None, tip: str = "") -> QAction:
        action = QAction(text, self._window)
        if icon is not None:
            action.setIcon(icon)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
        self._window.addAction(action)
        return action

    def _choices(self, texts: dict[K, str], shortcuts: bool = False) -> dict[K, QAction]:
        """Checkable actions, one checked at a time (the first to begin with), by key."""
        group = QActionGroup(self._window)
        actions = {}
        for number, (key, text) in enumerate(texts.items(), start=1):
            action = self._action(text, f"Ctrl+{number}" if shortcuts else "")
            action.setCheckable(True)
            action.setChecked(number == 1)
            group.addAction(action)
            actions[key] = action
        return actions

    def populate(self, window: QMainWindow) -> None:
        """Put the actions in the menu bar and toolbar of ``window``. Within a menu each item
        has a letter (``&``) of its own: Qt only highlights items that share one, in turn."""
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_case, self.open_images, self.open_folder,
                              self.screen_rest])
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.cases)
        file_menu.addMenu("Screen &images as").addActions(list(self.modes.values()))
        file_menu.addSeparator()
        file_menu.addActions([self.sign, self.amend, self.withdraw_amendment])
        file_menu.addSeparator()
        file_menu.addActions([self.export, self.export_pdf, self.print_report, self.cancel])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        review = bar.addMenu("&Review")
        review.addActions([*self.review, self.clear_review])
        review.addSeparator()
        review.addActions([self.undo, self.redo, self.review_queue])
        view = bar.addMenu("&View")
        view.addActions([self.gallery, self.full_size, self.switch_panel])
        view.addActions(list(self.filters.values()))
        view.addSeparator()
        view.addActions([self.zoom_in, self.zoom_out, self.fit_field])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.keys, self.how_to_read])
        help_menu.addSeparator()
        help_menu.addActions([self.about, self.data_folder])
        toolbar = window.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")  # saveState needs a name
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.new_case, self.open_images, self.open_folder, self.export,
                            self.sign])
        toolbar.addSeparator()
        toolbar.addActions([self.gallery, self.review_queue])

    def key_sheet(self) -> list[tuple[str, str]]:
        """Every action that has keys, as (keys, what they do), in menu order."""
        sheet = []
        for action in QWidget.actions(self._window):  # a window may name its own "actions"
            keys = " or ".join(key.toString(QKeySequence.SequenceFormat.NativeText)
                               for key in action.shortcuts())
            if not keys:
                continue
            what = action.toolTip().removesuffix(f" ({keys})").removesuffix("…")
            shown = "Show: " if action in self.filters.values() else ""
            sheet.append((keys, shown + what))
        return sheet

    def update_recent(self, folders: Sequence[Path]) -> None:
        """Rebuild the Open recent menu; each action's data is its folder."""
        menu = self.recent_menu
        menu.clear()
        for folder in folders:
            menu.addAction(str(folder)).setData(str(folder))
        menu.setEnabled(bool(folders))
