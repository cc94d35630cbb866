"""The slow work of the app as plain functions and generators, and the workers that run them.

Nothing here touches a widget: the functions return or yield data, a :class:`Worker` carries
it to the UI thread as signals, and :class:`WorkerGroup` lets the window cancel and wait for
whatever is still running when it closes (the pymmcore-gui habit).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QThreadPool, Signal

from malariascope.core.leftout import NONE_LEFT_OUT  # the standard library only

if TYPE_CHECKING:
    from malariascope.core.adapt.unlike import Unlikeness
    from malariascope.core.case import SignOff
    from malariascope.core.classifier import Classifier
    from malariascope.core.leftout import LeftOut
    from malariascope.gui.snapshot import BatchSnapshot

EXPORT_PROGRESS_EVERY = 500
WORKER_NICE = 5  # Linux niceness of worker threads (0 is normal, 19 the lowest)


def while_alive(owner: QObject, slot: Callable[..., object]) -> Callable[..., None]:
    """``slot``, called only while ``owner`` is not deleted: a worker's answer that reaches
    the UI thread after the widget that asked for it is gone is dropped."""
    import shiboken6

    def call(*args: object) -> None:
        if shiboken6.isValid(owner):
            slot(*args)
    return call


def load_classifier(model: Path | None = None) -> Classifier:
    """Open ``model`` (a folder; default the bundled model), and import the rest of the core
    while in the worker.

    The core pulls in numpy, OpenCV, SciPy and ONNX Runtime; importing them here keeps the UI
    thread free for the first paint, and later imports on the UI thread cost nothing.
    """
    from malariascope.core import gradcam, imageio, pipeline, report  # noqa: F401
    from malariascope.core.classifier import Classifier

    return Classifier.open(str(model) if model else None)


class NotWritten(Exception):
    """A report not written, saying why and whether a file at its name (or its summary's) is
    kept whole, as the worker found it: a network drive can keep that question waiting."""

    def __init__(self, reason: str, earlier: bool) -> None:
        super().__init__(reason)
        self.earlier = earlier


@contextlib.contextmanager
def telling_earlier(*paths: Path) -> Iterator[None]:
    """Raise a failure in the block as :class:`NotWritten`, saying whether a file is at one of
    ``paths``: a report failing to write leaves the files it would replace as they were."""
    try:
        yield
    except Exception as exc:
        raise NotWritten(str(exc), any(map(os.path.exists, paths))) from exc


def earlier_kept(exc: Exception) -> bool:
    """True when ``exc`` says a file of the report's name was there, and is kept whole."""
    return isinstance(exc, NotWritten) and exc.earlier


def export_rows(path: Path, snapshot: BatchSnapshot, overwrite: bool,
                unlike: Unlikeness | None = None, not_screened: int | None = 0,
                copies: LeftOut | None = NONE_LEFT_OUT, sign_off: SignOff | None = None,
                ) -> Generator[tuple[int, int], None, Path]:
    """Write the core's CSV report (and summary, with the case's facts) of ``snapshot``;
    yields ``(done, total)``.
    The summary says how ``unlike`` the model's cells the batch looks, when measured; a batch
    cut short, ``not_screened`` image files left, says so (None, a count not kept: it cannot),
    and so do the ``copies`` left out (None: not recorded) and the case's ``sign_off`` once
    signed.

    Closing the generator early (cancel) leaves any previous report whole: the core writes to
    a temporary file and renames it only at the end. A failure is raised as
    :class:`NotWritten`. The export is recorded while it writes, so a window killed meanwhile
    is told at the next start (``core.unfinished``).
    """
    from malariascope.core.report import ReportWriter
    from malariascope.core.summary import summary_path
    from malariascope.core.unfinished import recorded

    total, paths = len(snapshot.results), (path, summary_path(path))
    with (recorded(*paths), telling_earlier(*paths),
          ReportWriter(path, snapshot.facts, overwrite=overwrite, case=snapshot.case) as writer):
        writer.unlike, writer.sign_off = unlike, sign_off
        writer.copies = copies
        if not_screened != 0:
            writer.mark_incomplete(not_screened)
        for done, row in enumerate(snapshot.rows(), start=1):
            writer.add(row)
            if done % EXPORT_PROGRESS_EVERY == 0:
                yield done, total
    return writer.path


def lower_thread_priority() -> None:
    """Let the calling worker thread yield the CPU to the UI thread (and to other programs).

    Threads it starts later (the pipeline's readers, ONNX Runtime's pool when the model is
    opened here) inherit the priority. On a busy machine this keeps the window smooth.
    """
    if not sys.platform.startswith("linux"):
        QThread.currentThread().setPriority(QThread.Priority.LowPriority)
        return
    with contextlib.suppress(OSError):  # Qt cannot renice one thread on Linux; the OS can
        thread = threading.get_native_id()
        nice = max(os.getpriority(os.PRIO_PROCESS, thread), WORKER_NICE)
        os.setpriority(os.PRIO_PROCESS, thread, nice)


class WorkerSignals(QObject):
    """Signals of a :class:`Worker`; created on the UI thread, so slots run there."""

    yielded = Signal(object)  # each value of a generator, except None
    returned = Signal(object)  # the return value (not sent when cancelled)
    errored = Signal(object)  # the exception that ended the work
    finished = Signal()  # always last


class Worker:
    """Runs ``func(*args)`` in the global thread pool; a generator is drained with yields.

    Like superqt's ``thread_worker`` (the napari habit) without its import cost at start-up,
    and closing a cancelled generator in the worker thread, so its ``finally`` and ``with``
    blocks (the pipeline's thread pool, a half-written report) run there, not on the UI.

    A ``stoppable`` function takes ``stop``, the event :meth:`quit` sets, to stop within its
    steps as well. A generator stops at its next yield, but a ``stoppable`` one ends by itself
    and is drained to its end: what it has done by the stop is still sent (the cells called).

    Not a QRunnable: :class:`WorkerGroup` hands the pool its ``run``, which the pool lets go
    once run. PySide6 never frees a QRunnable given to the pool, nor its arguments: a batch's
    rows for every export, a session for every autosave, a cell for every selection.
    """

    def __init__(self, func: Callable[..., object], *args: object,
                 stoppable: bool = False) -> None:
        self.signals = WorkerSignals()
        self.yielded, self.returned = self.signals.yielded, self.signals.returned
        self.errored, self.finished = self.signals.errored, self.signals.finished
        self._abort = threading.Event()
        self._stoppable = stoppable
        self._func = functools.partial(func, stop=self._abort) if stoppable else func
        self._args = args
        self._ended = threading.Event()  # set in the worker thread, once run has returned

    def quit(self) -> None:
        """Ask a generator to stop at its next yield, and a ``stoppable`` function at its next
        step (any other runs to the end; a ``stoppable`` generator sends what it has done)."""
        self._abort.set()

    @property
    def abort_requested(self) -> bool:
        return self._abort.is_set()

    def wait(self, seconds: float) -> bool:
        """Block until the work has ended, at most ``seconds``; True when it has."""
        return self._ended.wait(seconds)

    def run(self) -> None:  # called by QThreadPool in a worker thread
        lower_thread_priority()
        try:
            result = self._func(*self._args)
            if inspect.isgenerator(result):
                result = self._drain(result)
            if not self.abort_requested:
                self.signals.returned.emit(result)
        except Exception as exc:  # reported to the UI, which shows the reason
            self.signals.errored.emit(exc)
        finally:
            self.signals.finished.emit()
            self._ended.set()

    def _drain(self, generator: Generator) -> object:
        with contextlib.closing(generator):
            while self._stoppable or not self.abort_requested:
                try:
                    value = next(generator)
                except StopIteration as stop:
                    return stop.value
                if value is not None:  # None: a chance to stop, nothing to send
                    self.signals.yielded.emit(value)
        return None


class WorkerGroup:
    """The workers a window started: start them, cancel them, wait for them on close."""

    def __init__(self) -> None:
        self._running: set[Worker] = set()

    def start(self, worker: Worker) -> Worker:
        """Start ``worker``; the group holds it until its ``finished`` reaches the UI thread.
        Then its signals go, and with them the slots connected to it: a slot that refers to
        the worker (it is only their last slot) would otherwise keep it for good."""
        self._running.add(worker)
        ref = weakref.ref(worker)  # a strong reference in the slot would never be released
        worker.finished.connect(lambda: self._on_finished(ref()))
        QThreadPool.globalInstance().start(worker.run)
        return worker

    def _on_finished(self, worker: Worker | None) -> None:
        if worker is not None:
            self._running.discard(worker)
            worker.signals.deleteLater()

    def __len__(self) -> int:
        return len(self._running)

    def quit_all(self) -> None:
        for worker in list(self._running):
            worker.quit()

    def wait(self, msecs: int = 30_000, besides: Worker | None = None) -> bool:
        """Ask every worker to stop and block until all but ``besides`` have ended (at most
        ``msecs`` in all); True when they have."""
        self.quit_all()
        deadline = time.monotonic() + msecs / 1000
        return all(worker.wait(max(0.0, deadline - time.monotonic()))
                   for worker in list(self._running) if worker is not besides)
