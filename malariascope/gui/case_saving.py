"""A signed or amended case kept in the register: through autosave when it is on (the one
writer of the case in progress), else in a worker of its own, which autosave coming on
meanwhile waits for; then its report's pictures.

A case signed here is *unsaved* until the register is seen to hold it; leaving it then asks
first (see :meth:`CaseSaving.unsaved`). A failure is told once, in a box.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

from malariascope.core.datadir import data_dir
from malariascope.gui import dialogs
from malariascope.gui.autosave_start import ANOTHER_WINDOW
from malariascope.gui.case_register import RegisterSave, save_case, save_pictures
from malariascope.gui.case_report import ReportOrder, report_order
from malariascope.gui.workers import Worker
from malariascope.gui.write_queue import RETRY_AFTER_MS

RETRYING = f"MalariaScope tries again every {RETRY_AFTER_MS // 1000} s while the window is open. "


class CaseSaving(QObject):
    """Saves the case of ``window`` (MalariaScope's main window, whose case, controller,
    autosave and status bar it uses) as signed or amended."""

    saved = Signal(str)  # a case's uid, once it is in the register
    message = Signal(str)  # one line for the status bar

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window, self.case, self.controller = window, window.case, window.controller
        self.message.connect(window.status.note)
        window.autosave.written.connect(self._on_autosaved)
        window.autosave.failed.connect(self._on_autosave_failed)
        window.autosave.on.connect(self._on_autosave_on)
        self._signing = ""  # the uid of a case signed or amended, not yet seen saved so
        self._failure_told = False  # that autosave failed to save it
        self._waiting: dict[str, ReportOrder] = {}  # by uid: saved by autosave, pictures not yet
        # by uid: the case's last save asked, and what the status bar says once it is done
        self._latest: dict[str, tuple[ReportOrder, str]] = {}

    def unsaved(self, uid: str) -> bool:
        """True when case ``uid`` was signed or amended here and the register is not seen to
        hold it, nor will autosave save it next (a failure told, or a write waiting to be
        tried again)."""
        autosave = self._window.autosave
        saving = (autosave.register is not None and not self._failure_told
                  and not autosave.writes.retrying)
        return self._signing == uid and not saving

    def unwritable(self) -> str:
        """Why the register takes no save of this window's case now ("" when nothing says
        so): autosave is off as the data folder takes no file, or the register refuses the
        window. Off only because another window keeps its work there, the case is saved as
        a guest's."""
        autosave = self._window.autosave
        reason = autosave.start.reason
        return "" if autosave.register is not None or reason == ANOTHER_WINDOW else reason

    def save(self, done: str = "") -> None:
        """Save the case as it is now: through autosave when it is on (the one writer of the
        case in progress), else here; ``done``: what the status bar says once it is saved (what
        was done, which "Case saved to the register" alone would hide; by default the words
        of the save of the case before, saved again)."""
        batch = self.case.batch
        done = done or self._latest.get(batch.case.uid, (None, ""))[1]
        order = report_order(batch, self.case.result(), copies=self.controller.extent.copies)
        self._latest[order.case.uid] = (order, done)
        self._signing, self._failure_told = batch.case.uid, False
        if self._window.autosave.save_now():
            self._waiting[order.case.uid] = order
            return
        worker = Worker(save_case, data_dir(), RegisterSave(
            order, list(batch.results), list(batch.history), self.controller.complete,
            self.controller.extent_now(), self.controller.extent.files or None),
            self._window.autosave.another_works)
        worker.returned.connect(lambda _: self._on_saved(order))
        worker.errored.connect(self._on_save_failed)
        self._window.autosave.save_outside(worker)
        self.controller.workers.start(worker)

    def _on_autosave_on(self) -> None:
        """Autosave came on while the window worked: the case signed or amended here that
        the register was not seen to hold is saved through it, its pictures after."""
        if self._signing and self._signing == self.case.batch.case.uid:
            self.save()

    def _on_autosaved(self) -> None:
        """Add the pictures of each case once autosave has stored it as signed or amended;
        until then (a save of before), wait for the next save."""
        orders, self._waiting = self._waiting, {}
        register = self._window.autosave.register
        if register is None:  # the window has closed
            return
        for order in orders.values():
            worker = Worker(save_pictures, register, order)
            worker.returned.connect(lambda cells, order=order: self._on_saved(
                order) if cells is not None else self._wait_again(order))
            worker.errored.connect(self._on_save_failed)
            self.controller.workers.start(worker)

    def _wait_again(self, order: ReportOrder) -> None:
        """Look again after the next save, unless the case was signed again meanwhile; when
        no save is coming (the one awaited ended while the pictures were tried), ask one."""
        if order.case.uid in self._waiting:
            return
        self._waiting[order.case.uid] = order
        if self._window.autosave.writes.idle:
            self._window.autosave.save_now()

    def _on_saved(self, order: ReportOrder) -> None:
        """The register holds ``order``'s case as signed or amended, its pictures too: the
        status bar says what was done when it is the case's last save asked, else only that
        it is saved (the case has changed since)."""
        batch, uid = self.case.batch, order.case.uid
        latest, done = self._latest.get(uid, (None, ""))
        if latest is order:
            del self._latest[uid]
        if self.case.signed and batch.case.uid == uid:
            batch.unsaved = False  # its reviews are in the register: quitting loses nothing
            batch.events.changed.emit()
        if uid == self._signing:
            self._signing = ""
        self.message.emit(done if latest is order and done else "Case saved to the register")
        self.saved.emit(uid)

    def kept(self, uid: str) -> str:
        """What the register keeps of case ``uid``, signed here and not seen saved so, in
        words that follow "the register": its last save, or nothing when autosave never got
        it there (its first save refused, or waiting behind one refused); with autosave off
        the window cannot tell."""
        work = self._window.autosave.work
        if work is None:  # the window does not autosave: what the register holds is unknown
            return "may hold an earlier save of it, or none"
        if uid and not work.holds(uid):
            return "holds no copy of it yet"
        return "keeps it as last saved, not signed"

    def _on_autosave_failed(self, reason: str) -> None:
        """Tell, once, why the case signed here is not saved: its own save refused, or a write
        before it refused by the register's file (a lock, a full disk) and tried again, the
        save waiting behind it. Another write refused for good lets the save go next."""
        if not self._signing or self._failure_told:  # told once, not at each try
            return
        writes = self._window.autosave.writes
        refusal = writes.refusal
        if refusal.saving != self._signing:
            if not writes.retrying:
                return
            reason = f"the register cannot be written now ({refusal.cause})"
        self._failure_told = True
        self._on_save_failed(reason, RETRYING if writes.retrying else "")

    def _on_save_failed(self, why: object, again: str = "") -> None:
        self.message.emit(f"Not saved to the register: {why}")  # it is no longer saving
        dialogs.message(self._window, QMessageBox.Icon.Critical, "Not saved to the register",
                        f"The case could not be saved to the register: {why}\n\n{again}The "
                        f"register {self.kept(self._signing)}. Export its PDF while it is on "
                        "show to keep the signed result.")
