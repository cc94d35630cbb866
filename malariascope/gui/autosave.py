"""Autosave: the batch and its reviews go to disk as the technician works, and come back after
a crash.

The files are :class:`~malariascope.core.session.SessionStore`'s (Qt-free); this is the glue.
A change of the batch starts a timer, and at most once a second a worker saves what changed:
new rows as a new chunk, reviews and settings in a small state file, so even a 20,000-cell
batch never makes the window wait. One write runs at a time; the next one picks up whatever
changed meanwhile. An export or a clean quit clears the session, so a session found at start
was left by a crash, a kill or a power cut, and :meth:`Autosaver.resume` offers it back.

The session lives in the app's data folder (``QStandardPaths.AppDataLocation``, or the folder
named by ``MALARIASCOPE_DATA_DIR``) beside a lock file, so that a second window neither offers
the first one's live session nor writes over it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope.core.atomic import why
from malariascope.core.clock import local_time
from malariascope.core.datadir import data_dir
from malariascope.gui import dialogs
from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController
from malariascope.gui.workers import Worker

if TYPE_CHECKING:  # core.session pulls in numpy: imported when first used, after the paint
    from malariascope.core.session import Session, SessionStore

SAVE_EVERY_MS = 1000


def describe(session: Session) -> str:
    """The question put to the technician about a session left by a crash."""
    when = local_time(session.saved_at)
    when = when if when == "earlier" else f"at {when}"
    sample_id = session.facts.sample_id
    sample = f" of sample {sample_id}" if sample_id else ""
    text = (f"MalariaScope stopped without closing {when}. Its batch{sample} was saved: "
            f"{_cells(session)}, {session.reviewed:,} of them reviewed.")
    if not session.complete:
        text += ("\n\nScreening had not reached the end: the batch holds only the images "
                 "screened by then. To screen them all, export these reviews, then open the "
                 "images again as a new batch.")
    return text + "\n\nRestore this work, or discard it for good?"


def _cells(session: Session) -> str:
    """The cells of a session, and its unreadable files apart, as the window counts them."""
    cells = sum(result.ok for result in session.results)
    unreadable = len(session.results) - cells
    return f"{cells:,} cells" + (f" (and {unreadable:,} unreadable files)" if unreadable else "")


class Autosaver(QObject):
    """Keeps a window's ``batch`` on disk; it does nothing until :meth:`resume` is called."""

    message = Signal(str)  # one line for the status bar
    restored = Signal()  # a batch left by a crash is in the window again

    def __init__(self, batch: Batch, controller: ScreeningController, window: QWidget) -> None:
        super().__init__(window)
        self.batch, self.controller, self._window = batch, controller, window
        self.store: SessionStore | None = None  # set by resume: autosave is on
        self._lock: QLockFile | None = None
        self._keep = False  # the batch holds work that no export has taken yet
        self._writing = self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_EVERY_MS)
        self._timer.timeout.connect(self._write)
        batch.events.changed.connect(self._on_changed)
        batch.events.facts_changed.connect(self._on_changed)
        controller.export_finished.connect(self._on_exported)

    # -- start ---------------------------------------------------------------------------
    def resume(self, then: Callable[[], object] = lambda: None) -> None:
        """Offer back the work of a run that did not close, then autosave; ``then`` runs after
        the question is answered (e.g. opening the paths given on the command line)."""
        from malariascope.core.session import SessionStore

        folder = data_dir()
        problem = self._take_lock(folder)
        if problem:
            self.message.emit(f"Autosave is off: {problem}")
            then()
            return
        store = SessionStore(folder / "session")
        worker = Worker(store.load)  # a big session takes a moment to read
        worker.returned.connect(lambda session: self._on_loaded(store, session, then))
        worker.errored.connect(lambda exc: self._on_unreadable(store, exc, then))
        self.controller.workers.start(worker)

    def _take_lock(self, folder: Path) -> str:
        """Lock the session folder for this window; the reason when that is not possible."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot create {folder}: {why(exc)}"
        lock = QLockFile(str(folder / "session.lock"))
        lock.setStaleLockTime(0)  # only a live owner holds it, however old its lock is
        if not lock.tryLock(0):
            return "another MalariaScope window keeps its work there"
        self._lock = lock
        return ""

    def _on_loaded(self, store: SessionStore, session: Session | None,
                   then: Callable[[], object]) -> None:
        if session is None or not session.results:
            self._start(store, then)
            return
        dialogs.ask_restore(self._window, describe(session),
                            lambda restore: self._on_answer(store, session, restore, then))

    def _on_answer(self, store: SessionStore, session: Session, restore: bool,
                   then: Callable[[], object]) -> None:
        if restore:
            self.controller.restore(session)
            self.restored.emit()
            self.message.emit(f"Restored {_cells(session)} and "
                              f"{session.reviewed:,} reviews")
        else:
            with contextlib.suppress(OSError):  # the next save clears it again
                store.delete()
        self._start(store, then)

    def _on_unreadable(self, store: SessionStore, exc: Exception,
                       then: Callable[[], object]) -> None:
        try:
            kept = f"It was moved to {store.set_aside()}."
        except OSError as error:
            kept = f"It could not be moved aside ({why(error)}) and will be replaced."
        dialogs.message(self._window, QMessageBox.Icon.Warning, "Unsaved work not restored",
                        "The work autosaved before MalariaScope last stopped could not be "
                        f"read back: {exc}\n\n{kept}")
        self._start(store, then)

    def _start(self, store: SessionStore, then: Callable[[], object]) -> None:
        self.store = store
        if len(self.batch):  # restored, or opened while the question was open
            self._schedule()
        then()

    # -- saving --------------------------------------------------------------------------
    def _on_changed(self, *_: object) -> None:
        self._keep = True
        self._schedule()

    def _on_exported(self, path: str) -> None:
        # the report holds it all unless the batch changed while it was written
        self._keep = self.batch.changed_since_export
        self._schedule()

    def _schedule(self) -> None:
        if self.store is not None and not self._timer.isActive():
            self._timer.start()

    def _write(self) -> None:
        """Save (or clear) the session in a worker; one write at a time."""
        if self.store is None:
            return
        if self._writing:
            self._again = True
            return
        if self._keep and len(self.batch):
            worker = Worker(self.store.save, self._session())
        else:
            worker = Worker(self.store.delete)
        worker.errored.connect(lambda exc: self.message.emit(f"Autosave failed: {exc}"))
        worker.finished.connect(self._on_written)
        self._writing = True
        self.controller.workers.start(worker)

    def _on_written(self) -> None:
        self._writing = False
        if self._again:
            self._again = False
            self._schedule()

    def _session(self) -> Session:
        """The batch as it is now (cheap: the rows themselves are shared, not copied)."""
        from malariascope.core.session import Session

        snapshot = self.batch.snapshot()
        return Session(snapshot.results, snapshot.facts, list(snapshot.history),
                       unsaved=self.batch.unsaved, complete=self.controller.complete)

    # -- closing -------------------------------------------------------------------------
    def close(self) -> None:
        """The window closed on purpose and its workers are done: nothing to offer next time."""
        self._timer.stop()
        store, self.store = self.store, None
        if store is not None:
            with contextlib.suppress(OSError):
                store.delete()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
