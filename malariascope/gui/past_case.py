"""A case from the register shown in the window: read-only, or taken to be finished.

Its cells, review decisions, call rule and facts are on show as the register keeps them; no
review, threshold or fact can be changed, and nothing is autosaved, so the work the window had
before stays in the register as it was until a new batch replaces it. A new case (opening
images makes one) ends the view: the window takes back its own case, model, rule and facts,
and begins the new case from them. Amending the case on show makes it the window's open case,
autosaved as its work; so does opening an open case (kept for later, or left by a window that
stopped) in a window that autosaves. Only that window takes open cases: it holds the data
folder's lock, so no other window works on the register's cases, and a window without
autosave shows them read-only; when its autosave comes on, the open case on show is read
again, to be finished there if the register lets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow

from malariascope.core.errors import CHANGED_SINCE_READ, not_taken
from malariascope.gui import case_reading
from malariascope.gui.batch_session import session_now
from malariascope.gui.case_reading import Read, takes
from malariascope.gui.restored import select_where_stopped
from malariascope.gui.waiting_open import WaitingOpen
from malariascope.gui.write_queue import RETRY_AFTER_MS

if TYPE_CHECKING:
    from malariascope.core.case import Case
    from malariascope.core.facts import BatchFacts
    from malariascope.core.register import Register, StoredCase
    from malariascope.core.session import Session


class PastCaseView(QObject):
    """Shows register cases read-only in ``window`` (MalariaScope's main window, whose batch,
    controller, autosave, controls and review actions it uses); :attr:`shown` is the case on
    show."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shown: StoredCase | None = None
        self._facts_before: BatchFacts | None = None  # the window's own, to go back to
        self._case_before: Case | None = None
        self._entering = False
        self._adopted: StoredCase | None = None  # the copy the window's open case went on from
        self.refusal = ""  # why the last case asked for was not opened ("": not refused)
        self._asked = 0  # cases asked for (read): one asked for outdoes a case read again
        self._answered = 0  # the last of them given to show (shown or refused)
        self.waiting = WaitingOpen(window, lambda read: self.show(*read))  # once saves are done
        window.batch.events.reset.connect(self._on_reset)
        window.autosave.refused.connect(self._on_refused)
        window.autosave.on.connect(self._on_autosave_on)

    def read(self, register: Register, uid: str, then: Callable[[Read], object],
             failed: Callable[[Exception], object]) -> None:
        """Read case ``uid`` from ``register`` for :meth:`show`, with the register's answer
        to its take, in a worker (see ``gui.case_reading``): the last case asked for opens,
        so none waits to open any more. ``then`` passes the case read to :meth:`show`, or
        not (the register dialog asking for it was closed meanwhile), ``failed`` says why
        it was not read."""
        self._asked += 1
        asked = self._asked
        self.waiting.outdone()
        case_reading.read(self.window, register, uid,
                          lambda read: self._on_read(asked, read, then),
                          lambda exc: self._on_read_failed(asked, exc, failed))

    def _on_read(self, asked: int, read: Read, then: Callable[[Read], object]) -> None:
        then(read)
        if self._answered != asked:  # not passed to show
            self._not_opened_as_asked(asked, not_taken(read.stored.case.name, "opened",
                                                       "the case register was closed"))

    def _on_read_failed(self, asked: int, exc: Exception,
                        failed: Callable[[Exception], object]) -> None:
        failed(exc)
        self._not_opened_as_asked(asked, f"The case asked for was not opened: {exc}")

    def _not_opened_as_asked(self, asked: int, refusal: str) -> None:
        """The case asked for (``asked``: its turn) was not read, or not shown: unless
        another case was asked for since, or the window closed (its register goes with it),
        the window's case that left for an earlier open comes back, ``refusal`` said."""
        if self._asked == asked and self.window.autosave.register is not None:
            self.waiting.given_up(refusal)

    def show(self, stored: StoredCase, refused: str) -> bool:
        """Show ``stored`` in place of the batch: read-only, or as the window's open case (an
        amendment, or an open case while autosave is on); False when the technician keeps
        the batch on show (Cancel, or Export…), the model is still loading (it would take
        the case for its own), or the case is not to be taken: ``refused`` says what the
        register said against it, asked as it was read (see :meth:`read`; "": nothing). A
        case to be finished here while a write of the window's that may change it is being
        saved (``WriteQueue.may_change``) opens once it is saved (True: it is waiting). A
        case not shown gives back the window's case that left for an earlier open
        (``WaitingOpen.given_up``)."""
        self.waiting.outdone()  # the last case asked for opens, or none
        self._answered = self._asked
        self.refusal = ""
        if self._show(stored, refused):
            return True
        self.waiting.given_up(self.refusal or f"Case {stored.case.name} not opened")
        return False

    def _show(self, stored: StoredCase, refused: str) -> bool:
        from malariascope.core.register.batches import session_of

        window, controller = self.window, self.window.controller
        if controller.classifier is None and not controller.model_error:
            window.status.note("The model is still loading: open the case once it is ready")
            return False
        batch = window.batch
        if self._is_open_here(stored):
            window.status.note(f"Case {stored.case.name} is the case open in this window")
            return True
        if window.case_flow.refuse_amending("opening another case"):
            return False
        if self._takes(stored) and self._saving(stored.case.uid):
            left = None  # the window's case as it left, put back should the open be given up
            if self.shown is None:
                if not window.case_flow.leaving.may_leave("Open a past case"):
                    return False
                left = self._leave_now()
            self.waiting.wait(stored, left)
            return True
        if self._takes(stored) and (why := self._why_not_take(refused)):
            self._not_opened(stored, why)
            return False
        if self.shown is None:  # the window's own case leaves it (a past case only is shown)
            if not window.case_flow.leaving.may_leave("Open a past case"):
                return False
            self._facts_before, self._case_before = batch.facts, batch.case
        window.autosave.hold(True)
        self._entering = True
        try:
            controller.restore(session_of(stored))
        finally:
            self._entering = False
        self.shown = stored
        self.waiting.cancel()  # the window takes up this case: none left for an open comes back
        self._set_read_only(True)
        case = stored.case
        if self._takes(stored):
            self.adopt()  # to be finished here, then signed, from where the work stopped
            select_where_stopped(window.batch, window.table)
            return True
        window.set_batch_title()
        if case.signed is None:
            window.status.note(f"Case {stored.case.name} is open: only a window that autosaves "
                               "can finish it, and this one does not")
        return True

    def _leave_now(self) -> Session | None:
        """Let the window's own case, agreed to leave (Keep for later, Discard), leave it now
        for a case that waits to open, and begin a new case as New case does: the question
        comes while the technician asks, not once the saves are done, and the case takes no
        more work meanwhile. The case as it left (None: no cells), taken after the answer:
        a screening goes on while the question is asked."""
        window = self.window
        left = session_now(window.batch, window.controller) if len(window.batch) else None
        self._entering = True  # the open's own new case: a case left for an earlier open stays
        try:
            window.case_flow.new_case(ask=False)  # refused only while amending, refused above
        finally:
            self._entering = False
        return left

    def _takes(self, stored: StoredCase) -> bool:
        """True when ``stored`` is to be finished here: an amendment a window left, or an
        open case while this window autosaves."""
        return takes(stored.case, self.window.autosave.register is not None)

    def _saving(self, uid: str) -> bool:
        """True while a write of the window's that may change case ``uid`` runs or waits to
        run (none refused by the register)."""
        writes = self.window.autosave.writes
        return (self.window.autosave.register is not None and not writes.retrying
                and writes.may_change(uid))

    def _why_not_take(self, refused: str) -> str:
        """Why the case read cannot become the window's open case now, no write running ("":
        it can). Its saves go on from the copy read, so every save asked for must have
        reached the register, and nothing may be ``refused`` against that copy as it was
        read (``case_reading.read_case``: the register's answer, or another window amending
        it)."""
        if self.window.autosave.writes.retrying:
            return ("the window's work could not be saved to the case register; it is tried "
                    f"again every {RETRY_AFTER_MS // 1000} s")
        return refused

    def refuse_review(self) -> bool:
        """True, after saying why, while an open case is on show read-only (a signed one is
        refused as any signed case: ``CaseFlow.refuse_signed``)."""
        stored = self.shown
        if stored is None or stored.case.signed is not None:
            return False
        how = ("open it again from File > Case register… to finish it"
               if self.window.autosave.register is not None
               else "only a window that autosaves can finish it")
        self.window.status.note(f"Case {stored.case.name} is shown read-only: {how}")
        return True

    def _is_open_here(self, stored: StoredCase) -> bool:
        """True when ``stored`` is the case the window works on (the register's copy of it
        may lag behind the window's)."""
        batch = self.window.batch
        return self.shown is None and len(batch) > 0 and batch.case.uid == stored.case.uid

    def leave(self) -> None:
        """End the view, the window's own case and facts back (a new case follows)."""
        if self.shown is None:
            return
        self.shown = None
        batch = self.window.batch
        if self._facts_before is not None:
            batch.case = self._case_before
            batch.facts = replace(self._facts_before, sources=batch.facts.sources)
            QTimer.singleShot(0, self._announce_facts)  # once every view has the new batch
        self._set_read_only(False)
        self.window.autosave.hold(False)
        self.window.set_batch_title()

    def adopt(self) -> None:
        """Make the case on show (amended: open again) the window's open case and work."""
        stored, self.shown = self.shown, None
        if stored is None:
            return
        self._adopted = stored
        self._set_read_only(False)
        self.window.autosave.take(stored)
        self.window.set_batch_title()

    def _on_refused(self, uid: str) -> None:
        """The case adopted changed in the register after it was read (another window saved
        to it): it is on show read-only again, its copy old, to be opened anew."""
        stored = self._adopted
        if stored is None or stored.case.uid != uid or self.window.batch.case.uid != uid:
            return
        self.shown = stored
        self._set_read_only(True)
        self.window.set_batch_title()
        self._not_opened(stored, CHANGED_SINCE_READ)

    def _on_autosave_on(self) -> None:
        """Autosave came on: an open case on show read-only, as only a window that autosaves
        can finish it, is read again with the register's answer to its take, to be finished
        here when the register lets it; else it stays read-only, the reason said."""
        shown = self.shown
        if shown is None or not self._takes(shown):  # none, or read-only for good (signed)
            return
        asked = self._asked
        case_reading.read(self.window, self.window.autosave.register, shown.case.uid,
                          lambda read: self._on_read_again(shown, asked, read),
                          lambda exc: self._on_read_again(shown, asked, exc))

    def _on_read_again(self, before: StoredCase, asked: int, read: Read | Exception) -> None:
        if self.shown is not before or self._asked != asked:  # another case on show, none,
            return  # or one asked for since: the technician's choice goes, not this one
        if isinstance(read, Exception):
            self._not_opened(before, str(read))
        elif self.show(*read) and self.shown is None:
            self.window.status.note(f"Case {before.case.name} can be finished here now that "
                                    "autosave is on")

    def _not_opened(self, stored: StoredCase, why: str) -> None:
        self.refusal = not_taken(stored.case.name, "opened", why)
        self.window.status.note(self.refusal)

    def _on_reset(self) -> None:
        """A new batch ends the view, and no case waits to open in its place."""
        if not self._entering:
            self.waiting.cancel()
            self.leave()

    def _announce_facts(self) -> None:
        events = self.window.batch.events
        events.facts_changed.emit()
        events.relabelled.emit()

    def _set_read_only(self, read_only: bool) -> None:
        window = self.window
        window.controls.setEnabled(not read_only)
        window.case_panel.set_viewing(read_only)
        for detail in (window.detail, window.cell_window.detail):
            detail.set_viewing(read_only)
        window.case_flow.update_actions()
