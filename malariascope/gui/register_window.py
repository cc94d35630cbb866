"""The register dialog of MalariaScope's window (File > Case register…): made once and kept
with the window, on the window's register (or one of its own while autosave is off), telling
of the window's case what the window knows, and showing the case opened in the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from malariascope.core.datadir import data_dir
from malariascope.gui import dialogs, settings
from malariascope.gui.on_screen import fit_on_screen
from malariascope.gui.register_dialog import RegisterDialog
from malariascope.gui.workers import Worker, while_alive

if TYPE_CHECKING:
    from malariascope.core.register import Register
    from malariascope.gui.case_reading import Read

#: the list on show takes the window's writes this long after the first lands, those landing
#: meanwhile with it: a screening saves every second, and the read of a filtered list of
#: 25,000 cases takes the register from those saves for 40 to 110 ms
FOLLOW_WRITES_MS = 2000


def show_register(window: QMainWindow) -> RegisterDialog | None:
    """Show the register dialog of MalariaScope's ``window`` (made once, kept with it) listing
    the latest cases; None while a register of its own is opened for it (autosave off): it
    is shown once that is open, or a message says why it cannot be."""
    dialog = window.findChild(RegisterDialog)
    if dialog is None:
        dialog = RegisterDialog(window.autosave.register, window.controller.workers,
                                window.past_case.read, window)
        dialog.case_loaded.connect(lambda read: _show_case(window, dialog, read))
        for signal in (window.controller.progress, window.controller.idle):
            signal.connect(while_alive(dialog, lambda *_: _follow_screening(window, dialog)))
        follow = QTimer(dialog, singleShot=True, interval=FOLLOW_WRITES_MS)
        follow.timeout.connect(lambda: _follow_writes(dialog))
        for signal in (window.autosave.writes.done, window.case_flow.saved):
            signal.connect(while_alive(follow, lambda *_: follow.isActive() or follow.start()))
        if window.persist_settings:  # the next export, report or register, is offered there
            dialog.exported.connect(lambda path, _: settings.remember_export_folder(Path(path)))
    if not dialog.isVisible():
        if window.autosave.register is None:
            _open_own(window, dialog)
            return None
        dialog.register = window.autosave.register
    _show(window, dialog)
    return dialog


def _show(window: QMainWindow, dialog: RegisterDialog) -> None:
    _follow_screening(window, dialog)
    dialog.show()
    fit_on_screen(dialog)  # a dialog made on a larger screen, or widened since
    dialog.raise_()
    dialog.activateWindow()
    dialog.patient.setFocus()  # the box typed in most, whichever was used last
    dialog.search()


def _follow_writes(dialog: RegisterDialog) -> None:
    """Writes of the window's landed (autosave's, or a case signed with autosave off): the
    list on show takes the cases they changed, a case kept for later as the dialog was shown
    among them, without losing the technician's place in it."""
    if dialog.isVisible():
        dialog.refresh()


def _follow_screening(window: QMainWindow, dialog: RegisterDialog) -> None:
    """Let the list say of the window's case what the window knows of its screening: the
    register has it as cut short while it runs, so that a crash leaves it so."""
    controller = window.controller
    words = "screening" if controller.screening else "" if controller.complete else "partial"
    dialog.model.set_window_case(window.batch.case.uid, words)


def _open_own(window: QMainWindow, dialog: RegisterDialog) -> None:
    """Open a register for ``dialog`` alone while autosave is off, in a worker (a register
    of years takes a second or two to check as it opens), then show the dialog."""
    from malariascope.core.register import Register

    if dialog.opening_register:
        return  # asked again while it opens
    dialog.opening_register = True
    worker = Worker(Register, data_dir(), True)
    worker.returned.connect(lambda register: _on_own_opened(window, dialog, register))
    worker.errored.connect(lambda exc: _on_own_failed(window, dialog, exc))
    window.controller.workers.start(worker)


def _on_own_opened(window: QMainWindow, dialog: RegisterDialog, register: Register) -> None:
    """Show ``dialog`` on ``register``, unless the window closed, or the dialog was shown on
    the window's register, meanwhile."""
    dialog.opening_register = False
    if dialog.isVisible() or not window.isVisible():
        register.close()
        return
    dialog.register, dialog.owns_register = register, True
    _show(window, dialog)


def _on_own_failed(window: QMainWindow, dialog: RegisterDialog, exc: Exception) -> None:
    """Say why the register cannot be opened, unless the window closed meanwhile."""
    dialog.opening_register = False
    if not window.isVisible():
        return
    dialogs.message(window, QMessageBox.Icon.Critical, "Case register not available",
                    f"{str(exc)[:1].upper()}{str(exc)[1:]}.")


def _show_case(window: QMainWindow, dialog: RegisterDialog, read: Read) -> None:
    """Show the case ``read`` in ``window``, closing the register; when the window does not
    show it (its own case kept, or a refusal told in its status bar too), the register says
    so where it said it was opening it."""
    past_case = window.past_case
    if past_case.show(read.stored, read.refused):
        dialog.accept()
    else:
        dialog.note.setText(past_case.refusal or f"Case {read.stored.case.name} not opened")
