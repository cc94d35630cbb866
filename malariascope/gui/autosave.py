"""Autosave: the batch is the case in progress, kept in the case register as the technician
works, and offered back after a crash.

The saving is :class:`~malariascope.core.register.work.CaseWork`'s (Qt-free); this is the
glue. A review, the threshold and a fact of the case are saved as they are made (a fact being
typed, a moment later: :mod:`~malariascope.gui.save_pace`), new cells at most once a second; a
worker saves what changed: the new cells and review decisions are appended to the case, its
facts and figures updated, so even a 20,000-cell batch never makes the window wait. The writes
run one at a time in order (:mod:`~malariascope.gui.write_queue`), each taken as the batch was
when it was asked for (a copy of its case, not the case itself), so what was signed is saved
signed whatever the window does after; one the register refuses (a full disk) is tried again
until it goes. A clean quit drops the open case (the window asks first about one no report
holds as it is, or one signed here that the register does not hold), unless it is kept: an
amendment, a case from the register, or one the technician keeps for later
(:meth:`Autosaver.keep`) stays in the register. So a case found in progress at start was left
by a crash, a kill or a power cut (or is an amendment to finish), and :meth:`Autosaver.resume`
offers it back.

The register lives in the app's data folder (``QStandardPaths.AppDataLocation``, or the folder
named by ``MALARIASCOPE_DATA_DIR``) beside a lock file, so that a second window neither offers
the first one's live case nor writes over it. A damaged register is set aside whole, said in
one message, and a new one begun. One written by a newer MalariaScope is left as it is, never
written: autosave is off for the window, as for a register that cannot be reached, and a
message gives the core's line saying what to do. How autosave comes on, and back on once a
folder that took no file takes files again, is :mod:`~malariascope.gui.autosave_start`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from malariascope.core.datadir import data_dir
from malariascope.core.words import counted
from malariascope.gui import dialogs
from malariascope.gui.amending_lock import AmendingLock
from malariascope.gui.autosave_start import AutosaveStart
from malariascope.gui.batch import Batch
from malariascope.gui.batch_session import session_now
from malariascope.gui.controller import ScreeningController
from malariascope.gui.folder_lock import held_elsewhere
from malariascope.gui.restored import amending, cells_of, describe, tell_unusable
from malariascope.gui.save_pace import SavePace
from malariascope.gui.write_queue import RETRY_AFTER_MS, Write, WriteQueue

if TYPE_CHECKING:  # the register pulls in numpy: imported when first used, after the paint
    from malariascope.core.register import Register, StoredCase
    from malariascope.core.register.opening import OpenedWork
    from malariascope.core.register.work import CaseWork
    from malariascope.core.session import Session
    from malariascope.core.tally import Counts
    from malariascope.gui.workers import Worker


class Autosaver(QObject):
    """Keeps a window's ``batch`` in the register; it does nothing until :meth:`resume`."""

    message = Signal(str)  # one line for the status bar
    off = Signal(str)  # why the window's work is not autosaved
    on = Signal()  # autosave came on while the window worked: its work is saved now
    restored = Signal()  # a batch left by a crash is in the window again
    rest_asked = Signal()  # restored to screen the rest: the window looks for its folders
    written = Signal()  # a save reached the register
    failed = Signal(str)  # a write failed: why
    refused = Signal(str)  # the uid of a case not taken: it changed in the register since read

    def __init__(self, batch: Batch, controller: ScreeningController, window: QWidget) -> None:
        super().__init__(window)
        self.batch, self.controller, self._window = batch, controller, window
        self.work: CaseWork | None = None  # set once autosave is on (at start, or joined later)
        self.start = AutosaveStart(window, controller.workers)
        self.start.off.connect(self.off)
        self.start.opened.connect(self._on_opened)
        self.start.joined.connect(self._on_joined)
        self._joining = False  # the next save may go on from the register's copy (go_on)
        self._outside: Worker | None = None  # saves the window's case while autosave is off
        self._late: OpenedWork | None = None  # autosave came on meanwhile: it joins after
        self.writes = WriteQueue(controller.workers, self)
        self.writes.written.connect(self.written)
        self.writes.written.connect(self._learn_place)
        self.writes.failed.connect(self._on_failed)
        self.writes.stale.connect(self._on_stale)
        self._held = False  # the window shows what is not its work (see hold)
        self._taken = self.kept = ""  # the cases last taken from the register, kept for later
        self.pace = SavePace(batch, controller, lambda: self.work is not None
                             and not self._held, self)
        self.pace.due.connect(self._write)
        self.amending = AmendingLock(batch, controller.workers, self)  # of the case amended

    @property
    def register(self) -> Register | None:
        """The case register this window saves to (None while autosave is off)."""
        return None if self.work is None else self.work.register

    @property
    def keeps_work(self) -> bool:
        """True when the register keeps the window's work as it is now: autosave is on and
        no write waits to be tried again."""
        return self.register is not None and not self.writes.retrying

    def another_works(self) -> bool:
        """True when another window keeps its work in the data folder (it holds the lock this
        window could not take): the cases it works on there are its own. Asked in a worker:
        it tries the lock, which a data folder on a network mount that hangs holds as long.
        The lock this window's start is taking is its own, though the window has not yet
        learnt it is taken."""
        return self.start.lock is None and held_elsewhere(data_dir(), self.start.mine)

    def took(self, uid: str) -> bool:
        """True when case ``uid`` is the one last taken from the register (see :meth:`take`):
        closing the window keeps it there."""
        return bool(uid) and uid == self._taken

    # -- start ---------------------------------------------------------------------------
    def resume(self, then: Callable[[], object] = lambda: None) -> None:
        """Offer back the case of a run that did not close, then autosave; ``then`` runs after
        the question is answered (e.g. opening the paths given on the command line)."""
        self.start.resume(then)

    def _on_opened(self, opened: OpenedWork, then: Callable[[], object]) -> None:
        tell_unusable(self._window, opened)
        session = opened.session
        if session is None or not session.results:
            self.work = opened.work
            self._start(then)
            return
        resumable = not session.complete and bool(session.extent.as_saved(False).rest)
        kept = opened.work.kept  # a case taken from the register stays there: no Discard
        dialogs.ask_restore(self._window, describe(session, kept),
                            lambda answer: self._on_answer(opened.work, session, answer, then),
                            resumable, discardable=not (amending(session) or kept))

    def save_outside(self, worker: Worker) -> None:
        """``worker`` (not yet started) saves the window's case to the register while
        autosave is off: should autosave come on meanwhile, it joins once that save is done,
        as two writers of the one case at once may find it saved by the other."""
        self._outside = worker
        worker.finished.connect(lambda: self._on_outside_done(worker))

    def _on_outside_done(self, worker: Worker) -> None:
        if self._outside is worker:
            self._outside, late, self._late = None, self._late, None
            if late is not None:
                self._on_joined(late)

    def _on_joined(self, opened: OpenedWork) -> None:
        """Autosave came on while the window worked: its work is saved at once, as it is
        (after the window's own save of its case, when one runs)."""
        if self._outside is not None:
            self._late = opened
            return
        tell_unusable(self._window, opened)  # a damaged register set aside
        self.work, self._joining = opened.work, True
        self.on.emit()
        if len(self.batch):
            self.save_now()

    def _on_answer(self, work: CaseWork, session: Session, answer: str,
                   then: Callable[[], object]) -> None:
        """Autosave begins once the question is answered: a save of the window's empty batch
        meanwhile would give up the case the question offers."""
        if self.start.lock is None:  # the window closed while it asked: offered again
            work.register.close()
            return
        self.work = work
        if answer != dialogs.DISCARD:
            if self.work.kept:
                self._taken = session.case.uid
            self.controller.restore(session)
            self.restored.emit()
            self.message.emit(f"Restored {cells_of(session)} and "
                              f"{counted(session.reviewed, 'review')}")
            if answer == dialogs.SCREEN_REST:
                self.rest_asked.emit()
        else:
            self.writes.add(Write(self.work.drop))  # in a worker: a big case takes a while
        self._start(then)

    def _start(self, then: Callable[[], object]) -> None:
        if len(self.batch):  # restored, or opened while the question was open
            self.pace.later()
        then()

    # -- saving --------------------------------------------------------------------------
    def hold(self, held: bool) -> None:
        """Save nothing while ``held``: the window shows a case that is not its work (a past
        case, read-only), and the work saved before stays as it was."""
        self._held = held
        if held:
            self.pace.stop()
        else:
            self.pace.later()

    def take(self, stored: StoredCase) -> None:
        """Save ``stored`` (a past case on show, reopened by an amendment or open to be
        finished) as the window's work from now on, in place of the work held while it was
        on show."""
        self._held = False
        self._taken = stored.case.uid
        if self.work is not None:  # after the writes asked for before; then saved as it is
            self.writes.add(Write(self.work.take, (stored,)))
            self.writes.add(self._write_now())

    def keep(self) -> None:
        """Leave the case in progress in the register as it is now, open, to be finished
        later from there (it is not offered at the next start); the next save begins
        another case."""
        self.pace.stop()
        self.kept = self.batch.case.uid
        if self.work is not None:  # after the writes asked for before
            self.writes.add(self._keep_write())

    def put_back(self, session: Session) -> None:
        """Save ``session``, put back in the window, from its case kept in the register."""
        self._taken = self.kept if session.case.uid == self.kept else self._taken
        self.writes.add(Write(self.work.go_on, (session,)))  # may change any: not replaced

    def _keep_write(self) -> Write:
        if self._held or not len(self.batch):  # the work is as it was saved
            return Write(self.work.keep)
        return Write(self.work.keep, self._now())

    def save_now(self) -> bool:
        """Save at once (after the writes asked for before); False while autosave is off."""
        if self.work is None or self._held:
            return False
        self.pace.stop()
        self._write()
        return True

    def _write(self) -> None:
        """Save (or drop) the case as it is now, in a worker."""
        if self.work is not None and not self._held:
            self.writes.add(self._write_now())

    def _write_now(self) -> Write:
        """The write that keeps the batch as it is now: its case saved, or dropped when empty."""
        if len(self.batch):
            now = self._now()
            save, self._joining = self.work.go_on if self._joining else self.work.save, False
            return Write(save, now, now[0].case.uid)
        return Write(self.work.drop)

    def _learn_place(self) -> None:
        """The window's case, saved, is named as the register names it: without a slide id,
        by its place among the cases opened in its second (``Case.twin``)."""
        saved, case = self.work and self.work.case, self.batch.case
        if saved is not None and saved.uid == case.uid and case.signed is None:
            case.twin = saved.twin

    def _on_failed(self, reason: str) -> None:
        again = f"; trying again in {RETRY_AFTER_MS // 1000} s" if self.writes.retrying else ""
        self.message.emit(f"Autosave failed: {reason}{again}")
        self.failed.emit(reason)

    def _on_stale(self, uid: str) -> None:
        """The case taken changed in the register since it was read: the window's copy of it
        is old, so it is held, never saved over, until opened again."""
        self._taken = ""
        self.hold(True)
        self.refused.emit(uid)

    def _now(self) -> tuple[Session, Counts, str]:
        """What a save of the case takes: the batch as it is now, its counts, and the warning
        that its cells look unlike the model's as last measured ('' when none)."""
        controller = self.controller
        return (session_now(self.batch, controller), replace(self.batch.counts),
                controller.unlike.known_limit)

    # -- closing -------------------------------------------------------------------------
    def close(self) -> None:
        """The window closed on purpose and its writes are done (a screening it stopped may
        still end its image, its results dropped): its open case is given up, nothing is
        offered next time; but a case being amended is saved as it is and offered back, to
        be signed again, and a case taken from the register is kept there."""
        self.pace.stop()
        self.amending.release()
        work = self.work
        if work is not None:
            last, self.work = self._last_write(), None
            self.writes.close(last)
            work.register.close()
        if self._late is not None:  # it never joined
            self._late.work.register.close()
            self._late = None
        self.start.close()

    def _last_write(self) -> Write:
        """What closing writes last of the case the window works on."""
        case = self.batch.case
        if self._held:
            return Write(self.work.drop)
        if case.amending:  # kept as the work left
            return Write(self.work.save, self._now())
        return self._keep_write() if self.took(case.uid) else Write(self.work.drop)
