"""A case of the register asked to open while a write of the window's that may change it is
being saved: it opens once no such write runs or waits.

A case taken to be finished goes on from the copy the window reads, so it waits for the
writes asked for before that may change it (Keep for later, a drop, the first save of a new
case: ``WriteQueue.may_change``) to reach the register, and is then read again, with the
register's answer to its take (see ``gui.case_reading``): those writes may have saved that
very case. The saves of another case that follow, as a screening makes, do not hold it up.
Nothing is polled; the write queue says when each write is done. One open waits at a time,
the last asked for. A write that fails gives the open up: the window's work is not in the
register, so no case opens on top of it. An open given up (a write failed, or the case read
again is gone or refused), or a case asked for after it that is refused at once or cannot
be read, puts back the window's case that left for it (or for an open it outdid), as it
left, while the window has taken up nothing else meanwhile: no cells, no case on show, no
screening, no fact typed in. Else that case stays as it left (kept in the
register, signed there, or discarded), and the status bar says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from malariascope.core.errors import not_taken
from malariascope.gui import case_reading

if TYPE_CHECKING:
    from malariascope.core.register import StoredCase
    from malariascope.core.session import Session
    from malariascope.gui.case_reading import Read


class WaitingOpen(QObject):
    """Opens a case with ``open_case``, read again, once no write of ``window``'s autosave
    that may change it runs or waits (MalariaScope's main window, whose autosave, workers and
    status bar it uses)."""

    def __init__(self, window: QMainWindow, open_case: Callable[[Read], bool]) -> None:
        super().__init__(window)
        self._window, self._open = window, open_case
        self._uid = ""  # the case waiting to open ("": none)
        self._name = ""
        self._said = ""  # the status bar's words while it waits
        self._left: Session | None = None  # the window's case that left for it, to put back
        self._edits = 0  # the window's ``Batch.edits`` as it was left empty for the open
        self._reading = ""  # the uid of the case waiting that is being read again
        window.autosave.writes.done.connect(self._on_write_done)
        window.autosave.failed.connect(self._on_failed)

    @property
    def uid(self) -> str:
        """The uid of the case waiting to open ("": none)."""
        return self._uid

    def wait(self, stored: StoredCase, left: Session | None) -> None:
        """Open ``stored`` once the window's writes that may change it are done, in place of
        a case waiting; ``left``, the window's case that left it for ``stored`` (None: none,
        as the window was empty), is put back should the open be given up, or else the case
        that left for an open asked for before (:meth:`outdone`)."""
        self._uid, self._name = stored.case.uid, stored.case.name
        self._left = self._left if left is None else left
        self._edits = self._window.batch.edits
        self._said = (f"Case {self._name} opens once the window's work is saved to the case "
                      "register")
        self._window.status.note(self._said)

    def outdone(self) -> None:
        """Another case is asked for: none waits to open any more, but the window's case that
        left for the one waiting is still put back should the case asked for be given up."""
        self._stop_waiting()

    def given_up(self, refusal: str) -> None:
        """The case asked for last is not opened, for ``refusal``: the window's case that left
        for an open asked for before it is put back, and the status bar says both
        (:meth:`_put_back`)."""
        if self._left is not None:
            self._put_back(self._left, refusal)

    def cancel(self) -> None:
        """Open no case, nor put any back: the window went on to something else."""
        self._stop_waiting()
        self._left = None

    def _stop_waiting(self) -> None:
        """No case waits to open any more: the status bar no longer says one does."""
        self._uid = ""
        self._window.status.withdraw(self._said)

    def _on_write_done(self) -> None:
        register, writes = self._window.autosave.register, self._window.autosave.writes
        if not self._uid or register is None:  # none waits, or the window closed
            self._uid = ""
            return
        uid = self._uid
        if writes.may_change(uid) or self._reading == uid:  # once, after the last such write
            return
        self._reading = uid
        case_reading.read(self._window, register, uid, lambda read: self._on_read(uid, read),
                          lambda exc: self._give_up(uid, str(exc)))

    def _on_read(self, uid: str, read: Read) -> None:
        self._read_ended(uid)
        if uid != self._uid:  # another case asked for since
            return
        self._stop_waiting()
        self._open(read)  # refused, it puts back the case left for it (PastCaseView.show)

    def _on_failed(self, reason: str) -> None:
        self._give_up(self._uid, "the window's work could not be saved to the case register "
                                 f"({reason})")

    def _read_ended(self, uid: str) -> None:
        if uid == self._reading:
            self._reading = ""

    def _give_up(self, uid: str, why: str) -> None:
        self._read_ended(uid)
        if uid and uid == self._uid:
            self._stop_waiting()
            self._put_back(self._left, not_taken(self._name, "opened", why))

    def _put_back(self, left: Session | None, refusal: str) -> None:
        """Say the ``refusal`` of the case asked for, and put back ``left``, the window's case
        that left for it, unless the window has taken up something else since (cells, a
        past case on show, images to screen, facts typed in): then say where ``left`` is."""
        window, self._left = self._window, None
        if left is None:
            window.status.note(refusal)
            return
        if len(window.batch) or window.past_case.shown is not None or (
                window.controller.screening or window.batch.edits != self._edits):
            window.status.note(f"{refusal}; case {left.case.name} is not put back over the "
                               f"window's new work: {self._where(left)}")
            return
        window.controller.restore(left)
        window.autosave.put_back(left)
        window.set_batch_title()
        window.status.note(f"{refusal}; case {left.case.name} is back in the window")

    def _where(self, left: Session) -> str:
        """Where ``left``, the window's case that left for an open, is while not put back."""
        if left.case.signed is not None:
            return "it stays in the case register, signed"
        if self._window.autosave.kept == left.case.uid:
            return "it stays in the case register, kept for later"
        return "it was discarded as it left"
