"""The selected cell at full size, in a window of its own (a double-click on a cell opens it,
and F, which gives it the keys).

It is the detail panel again, given most of the screen, and it follows the selection while it
is open, so the arrows in the gallery or the table page through cells at this size; pressed in
this window, the arrows, PgUp/PgDn, Home and End move the list's selection as they do there.
The window's review keys (the same actions as the main window's) act here on the cell shown.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from malariascope.gui.actions import WindowActions
from malariascope.gui.batch import Batch
from malariascope.gui.detail_view import DetailView
from malariascope.gui.keys import MOVE_KEYS
from malariascope.gui.workers import WorkerGroup

SCREEN_SHARE = 0.8  # of the available screen, each way


class CellWindow(QDialog):
    """A non-modal window showing one row of ``batch`` large, opened by ``opened`` (a row)."""

    def __init__(self, batch: Batch, workers: WorkerGroup, actions: WindowActions,
                 current_changed: Signal, opened: Signal, cell_list: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cell")
        # its facts read down, one to a row, as the panel's do however wide the window is
        self.detail = DetailView(batch, workers, actions.review, pair_facts=False)
        self.addActions(list(actions.cell_keys))  # their keys work while this window is active
        # shortcuts, so no control of this window (Grad-CAM box, slider) takes the arrows
        for key in MOVE_KEYS:
            QShortcut(QKeySequence(key), self, partial(self._move, cell_list, key))
        layout = QVBoxLayout(self)
        layout.addWidget(self.detail)
        current_changed.connect(self._on_current_changed)
        opened.connect(self.open_row)

    def open_row(self, row: int | None) -> None:
        """Show ``row`` at full size and bring the window to the front."""
        if row is None:
            return
        self.detail.show_row(row)
        if not self.isVisible():
            screen = (self.parentWidget() or self).screen().availableGeometry()
            self.resize(int(screen.width() * SCREEN_SHARE), int(screen.height() * SCREEN_SHARE))
        self.show()
        self.raise_()

    def open_with_keys(self, row: int | None) -> None:
        """Show ``row`` at full size and give this window the keys: asked for from the
        keyboard, the review and the arrows go on here (Esc closes it, the keys back on the
        list)."""
        self.open_row(row)
        if self.isVisible():
            self.activateWindow()

    def shown_rows(self) -> list[int]:
        """The row shown, while this window has the keys (it is the active window)."""
        row = self.detail.current_row()
        return [row] if self.isActiveWindow() and row is not None else []

    @staticmethod
    def _move(cell_list: QWidget, key: Qt.Key) -> None:
        """Press ``key`` in ``cell_list`` (its focus proxy: the table or the gallery shown).
        The list's handler is called, not sent the key: Qt offers a key sent to a widget to
        the shortcuts of the active window first, and this window's would take it back."""
        view = cell_list.focusProxy() or cell_list
        view.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))

    def _on_current_changed(self, row: int | None) -> None:
        if self.isVisible():
            self.detail.show_row(row)

