"""The register writes of a window's autosave, run one at a time in order, in workers.

A write that the register's file refuses (a full disk, a file held by another program:
:class:`RegisterWriteError`) stays first and is tried again every :data:`RETRY_AFTER_MS`
until it goes through; the writes asked for after it wait behind it, so what one write saves
(a signed case) is never dropped by one that follows (a new case). A write refused for what
it holds (a case the register cannot take) is not tried again, and the next goes; one
refused as the case it works on changed in the register since the window read it takes the
saves of that case waiting behind it along (they would go on from the old copy).

A save of the case the write before it saved changes that case alone; any other write (a
drop, a keep, a take, the first save of another case, which drops the case before) may change
any case of the register, and so may the write after one that failed. :meth:`may_change`
tells whether a case may yet change by the window's writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from malariascope.core.errors import (
    CaseChangedError,
    CaseError,
    RegisterError,
    RegisterLockedError,
    RegisterWriteError,
)
from malariascope.gui.workers import Worker, WorkerGroup

RETRY_AFTER_MS = 30_000


class Write(NamedTuple):
    """A write of CaseWork's, its arguments, and the uid of the case it saves ("": none)."""

    call: Callable[..., object]
    args: tuple[object, ...] = ()
    saving: str = ""


class Refusal(NamedTuple):
    """The last write that failed: the uid of the case it saved ("": none), and why its
    file refused it in the file's own words ("database is locked")."""

    saving: str
    cause: str


class WriteQueue(QObject):
    """Runs :class:`Write` s in order in ``workers``; none until :meth:`add`."""

    written = Signal()  # a write reached the register
    failed = Signal(str)  # a write failed: why
    stale = Signal(str)  # the uid of a case that changed in the register since it was read
    done = Signal()  # a write is done (written or given up); the next, if any, runs

    def __init__(self, workers: WorkerGroup, parent: QObject) -> None:
        super().__init__(parent)
        self._workers = workers
        self._waiting: list[Write] = []  # the first is running, or waits to be tried again
        self._running = False
        self._closed = False
        self._done: Write | None = None  # the last write that went through, set in its worker
        self.asked = 0  # writes asked for so far: one more says the register may have changed
        self.turns = 0  # writes asked for that may change any case, not only the one they save
        self.saving = ""  # the case the last write asked for saves ("": it may change any)
        self._saved = ""  # the case the last write done saved ("": the next may change any)
        self.refusal = Refusal("", "")  # set before failed is emitted
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_AFTER_MS)
        self._retry.timeout.connect(self._run_next)

    @property
    def idle(self) -> bool:
        """True when no write runs or waits."""
        return not self._running and not self._waiting

    @property
    def retrying(self) -> bool:
        """True while a write the register refused waits to be tried again."""
        return self._retry.isActive()

    def retry_now(self) -> None:
        """Try the write the register refused again at once, not when its wait ends."""
        if self.retrying:
            self._retry.stop()
            self._run_next()

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, write: Write) -> None:
        """Run ``write`` after those asked for before it; a save of the same case waiting
        last (not running) is replaced, as this one holds all it would."""
        self.asked += 1
        if not write.saving or write.saving != self.saving:
            self.turns += 1
        self.saving = write.saving
        waiting = self._waiting
        last_runs = self._running and len(waiting) == 1
        if waiting and not last_runs and write.saving and waiting[-1].saving == write.saving:
            waiting[-1] = write
        else:
            waiting.append(write)
        if not self._running and not self.retrying:
            self._run_next()

    def may_change(self, uid: str) -> bool:
        """True when a write running or waiting may change case ``uid``: a save of it, or a
        write that may change any case."""
        before = self._saved
        for write in self._waiting:
            if write.saving in ("", uid) or write.saving != before:
                return True
            before = write.saving
        return False

    def _run_next(self) -> None:
        if not self._waiting or self._closed:
            return
        worker = Worker(self._attempt, self._waiting[0])
        worker.errored.connect(self._on_failed)
        worker.returned.connect(lambda _: self._on_written())
        worker.finished.connect(self._on_finished)
        self._running = True
        self._workers.start(worker)

    def _attempt(self, write: Write) -> None:
        write.call(*write.args)
        self._done = write  # read by close, after the workers are done

    def _on_written(self) -> None:
        if not self._closed:  # else closing took it off
            self._saved = self._waiting.pop(0).saving
            self.written.emit()

    def _on_failed(self, exc: Exception) -> None:
        if self._closed:  # closing wrote what waited
            return
        waiting = self._waiting
        self._saved = self.saving = ""  # what the write left undone, the next may do
        self.refusal = Refusal(waiting[0].saving, str(exc.__cause__ or exc))
        again = isinstance(exc, RegisterWriteError)
        if not again or (len(waiting) > 1 and waiting[0].saving
                         and waiting[1].saving == waiting[0].saving):
            waiting.pop(0)  # not to be tried again, or a later save of its case holds it
        if waiting and again:
            self._retry.start()
        if isinstance(exc, CaseChangedError):
            self._waiting = [write for write in waiting if write.saving != exc.uid]
            self.stale.emit(exc.uid)
        else:
            self.failed.emit(str(exc))

    def _on_finished(self) -> None:
        self._running = False
        if not self.retrying:
            self._run_next()
        if not self._closed:
            self.done.emit()

    def close(self, last: Write) -> None:
        """Run what waits and then ``last`` here and now, each on its own: one failing, the
        rest go (a full disk may take a small write after refusing a large one); but once
        another program's lock has held one for all of SQLite's busy timeout, the rest would
        wait as long and fail alike, and are not tried. Nothing runs after. The workers must
        be done."""
        self._closed = True
        self._retry.stop()
        if self._waiting and self._waiting[0] is self._done:  # done, its signal not heard
            self._waiting.pop(0)
        writes, self._waiting = [*self._waiting, last], []
        for write in writes:
            try:
                write.call(*write.args)
            except RegisterLockedError:
                return
            except (RegisterError, CaseError):
                continue
