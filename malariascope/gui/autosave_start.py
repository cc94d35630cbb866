"""How a window's autosave comes on (see ``gui.autosave``): the data folder made and its
lock taken, then the register read, each in a worker (a folder on a network mount that hangs
never holds up the window).

Where the folder takes no file (it cannot be made, is read-only, or its disk is full, even
when the lock file still fits but not the register's own files), autosave is off and tried
again every :data:`AGAIN_MS`, and at once when the technician asks
(:meth:`AutosaveStart.try_again`): freeing space or fixing the folder turns it back on while
the window works. A folder whose lock another window holds (its work is there), or a register
that refuses the window (a newer MalariaScope's, one that cannot be read), keeps autosave off
until the app starts again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from malariascope.core.datadir import data_dir
from malariascope.core.errors import RegisterWriteError
from malariascope.gui.folder_lock import (
    TAKE_AGAIN_MS,
    TAKE_TRIES,
    Taken,
    folder_lock,
    let_go,
    take,
)
from malariascope.gui.restored import tell_too_new
from malariascope.gui.workers import Worker, WorkerGroup

if TYPE_CHECKING:
    from malariascope.core.register.opening import OpenedWork

#: While the data folder takes no file, autosave is tried again this often (ms).
AGAIN_MS = 30_000
ANOTHER_WINDOW = "another MalariaScope window keeps its work there"


class AutosaveStart(QObject):
    """Takes the data folder for a window's autosave; its :attr:`lock`, once taken, is held
    while the register is read and while autosave is on."""

    off = Signal(str)  # why the window's work is not autosaved (again, when the reason changed)
    opened = Signal(object, object)  # the OpenedWork found at start, and what runs after it
    joined = Signal(object)  # the OpenedWork of a try again, the case a run left unread

    def __init__(self, window: QWidget, workers: WorkerGroup) -> None:
        super().__init__(window)
        self._window, self._workers = window, workers
        self.lock: QLockFile | None = None
        self.mine: QLockFile | None = None  # the lock a worker takes for the window, or took
        self.closed = False  # no lock is taken once the window has closed
        self.reason = ""  # why autosave is off ("": it is not, or not yet)
        self._passing = False  # it is off for a reason that can pass: tried again
        self._taking = False  # a worker makes the folder and tries its lock
        self.again = QTimer(self, singleShot=True, interval=AGAIN_MS)
        self.again.timeout.connect(lambda: self.try_again(told=False))

    @property
    def tries_again(self) -> bool:
        """True while autosave is off for a reason that can pass, and is tried again."""
        return self._passing

    def resume(self, then: Callable[[], object]) -> None:
        """Take the folder; ``then`` runs once autosave is on (after the case a run left is
        offered: :attr:`opened`) or off."""
        self._take(then, TAKE_TRIES, joining=False)

    def try_again(self, told: bool = True) -> None:
        """Try at once to turn autosave on, while it is off for a reason that can pass; when
        ``told`` (the technician asked), a reason that holds still is said again."""
        if self.tries_again and self.lock is None and not (self.closed or self._taking):
            self.again.stop()
            if told:
                self.reason = ""
            self._take(lambda: None, TAKE_TRIES, joining=True)

    def close(self) -> None:
        """The window closed, its last writes done: no lock is taken from now on, and the
        one held is let go."""
        self.closed, self._passing = True, False
        self.again.stop()
        if self.lock is not None:
            let_go(self.lock)
            self.lock = None

    def _take(self, then: Callable[[], object], tries: int, joining: bool) -> None:
        """Make the folder and lock it for this window's work, in a worker, then read the
        register; while another holds the lock, try again (``tries`` in all) before autosave
        is off for good. ``joining``: the window has work of its own (no case left is
        offered)."""
        if self.closed:
            return
        folder = data_dir()
        self._taking = True
        self.mine = folder_lock(folder)
        worker = Worker(take, folder, self.mine)
        worker.returned.connect(lambda taken: self._on_taken(taken, folder, then, tries,
                                                             joining))
        worker.errored.connect(lambda exc: self._on_taken(Taken(None, why=str(exc)), folder,
                                                          then, tries, joining))
        self._workers.start(worker)

    def _on_taken(self, taken: Taken, folder: Path, then: Callable[[], object], tries: int,
                  joining: bool) -> None:
        if self.closed:  # the window closed while the folder was tried: it takes nothing
            if taken.lock is not None:
                let_go(taken.lock)
            return
        if taken.held and tries > 1:  # perhaps another window looking for a moment
            QTimer.singleShot(TAKE_AGAIN_MS, self, lambda: self._take(then, tries - 1, joining))
            return
        self._taking = False
        if taken.lock is None:
            self._off(ANOTHER_WINDOW if taken.held else taken.why, passing=not taken.held)
            then()
            return
        self.lock = taken.lock
        self._read(folder, then, joining)

    def _read(self, folder: Path, then: Callable[[], object], joining: bool) -> None:
        from malariascope.core.register.opening import open_work

        worker = Worker(open_work, folder, not joining)  # a big case takes a moment to read
        worker.returned.connect(lambda opened: self._on_read(opened, then, joining))
        worker.errored.connect(lambda exc: self._on_no_register(exc, then))
        self._workers.start(worker)

    def _on_read(self, opened: OpenedWork, then: Callable[[], object], joining: bool) -> None:
        if self.lock is None:  # the window closed while the register was read
            opened.work.register.close()
            return
        self.reason, self._passing = "", False
        if joining:
            self.joined.emit(opened)
        else:
            self.opened.emit(opened, then)

    def _on_no_register(self, exc: Exception, then: Callable[[], object]) -> None:
        if self.lock is None:  # the window closed while the register was read
            return
        let_go(self.lock)
        self.lock = None
        self._off(str(exc), passing=isinstance(exc, RegisterWriteError))
        tell_too_new(self._window, exc)
        then()

    def _off(self, reason: str, passing: bool) -> None:
        """Autosave is off for ``reason``, tried again when it can pass; said when it is new."""
        self._passing = passing
        if passing:
            self.again.start()
        if reason != self.reason:
            self.reason = reason
            self.off.emit(reason)
