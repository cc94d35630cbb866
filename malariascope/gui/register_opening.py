"""The register dialog's Open (``gui.register_dialog``): the case selected read whole in a
worker, with the register's answer to the window taking it (see ``gui.case_reading``), for
the window to show; one at a time, and given up when the dialog closes meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QLabel

from malariascope.core.errors import CaseGoneError
from malariascope.gui.workers import while_alive

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import Register
    from malariascope.gui.case_reading import Read

    Reader = Callable[[Register, str, Callable[[Read], object], Callable[[Exception], object]],
                      object]


class CasesToOpen(Protocol):
    """What Open needs of the register dialog: its register and note, the cases selected,
    and the signals telling what was read."""

    register: Register
    note: QLabel
    case_loaded: SignalInstance  # a Read: a case to show in the window
    failed: SignalInstance  # (reason)

    def selected_uids(self) -> tuple[str, ...]: ...

    def drop_case(self, uid: str) -> str: ...  # off the list: returns the name it had there


class RegisterOpening(QObject):
    """Opens the case selected in ``dialog``: its ``case_loaded`` gets the case read, its
    ``failed`` why it was not; ``read`` reads a case in a worker (see PastCaseView.read).
    ``parent`` is the dialog, or deleted with it: a read answering after that is dropped."""

    def __init__(self, dialog: CasesToOpen, read: Reader, parent: QObject) -> None:
        super().__init__(parent)
        self._dialog, self._read = dialog, read
        self.busy = False  # a case is being loaded for the window
        self._given_up = False  # the dialog was closed while it was: it is not shown

    def open_selected(self) -> None:
        """Load the selected case whole, in a worker, for the window to show."""
        dialog = self._dialog
        uids = dialog.selected_uids()
        if len(uids) != 1 or self.busy:  # one at a time: a second would ask again
            return
        self.busy, self._given_up = True, False
        dialog.note.setText("Opening the case…")
        self._read(dialog.register, uids[0], while_alive(self, self._on_read),
                   while_alive(self, lambda exc: self._on_read_failed(uids[0], exc)))

    def give_up(self) -> None:
        """The dialog closes: a case being read is not shown."""
        self._given_up = self.busy

    def _on_read(self, read: Read) -> None:
        """Give the window the case read to show (or say why not), unless the register was
        closed meanwhile: closing it gives up the case asked for."""
        try:
            if self._given_up:
                self._dialog.note.clear()
            else:
                self._dialog.case_loaded.emit(read)
        finally:
            self.busy = self._given_up = False

    def _on_read_failed(self, uid: str, exc: Exception) -> None:
        """Say why case ``uid`` was not read, in one line; one discarded since it was listed
        leaves the list."""
        self.busy = self._given_up = False
        if isinstance(exc, CaseGoneError):
            self._dialog.failed.emit(f"Case {self._dialog.drop_case(uid)} is no longer in the "
                                     "register: it was discarded since it was listed")
        else:
            self._dialog.failed.emit(str(exc))
