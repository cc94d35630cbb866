"""Runs the long work of a window (model load, screening, export) and reports by signals;
which model screens, and its loading, is :class:`~malariascope.gui.model_loading.ModelLoading`'s,
and Cancel :class:`~malariascope.gui.screening_stop.ScreeningStop`'s.

A QObject without widgets: it starts workers, feeds their results into the
:class:`~malariascope.gui.batch.Batch` on the UI thread, and tells the window what to show.
Every worker belongs to one :class:`~malariascope.gui.workers.WorkerGroup`, so the window can
cancel them all when it closes, and wait for those whose work must end first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from malariascope.core.case import Case
from malariascope.core.copies import Copies
from malariascope.core.extent import Extent, screened_files
from malariascope.core.leftout import LeftOut
from malariascope.core.names import shared_folder, with_sources
from malariascope.core.words import counted
from malariascope.gui import screening_status as status
from malariascope.gui.batch import Batch
from malariascope.gui.model_loading import ModelLoading
from malariascope.gui.report_export import ReportExport
from malariascope.gui.screening_stop import ScreeningStop
from malariascope.gui.screening_work import (
    Listed,
    Reopened,
    ScreenChunk,
    ScreenOutcome,
    screen_chunks,
)
from malariascope.gui.unlike_watch import UnlikeWatch
from malariascope.gui.unscreened import Unscreened
from malariascope.gui.workers import Worker, WorkerGroup

if TYPE_CHECKING:
    from malariascope.core.pipeline import Mode
    from malariascope.core.session import Session


class ScreeningController(ModelLoading, ScreeningStop, QObject):
    """The batch's engine room; the window only calls methods and listens."""

    model_ready = Signal(str)  # model name
    model_failed = Signal(str)  # reason
    progress = Signal(str, int, int)  # task, done, total (0: unknown); cancellable tasks only
    idle = Signal()  # nothing cancellable running any more
    message = Signal(str)  # one line for the status bar
    screening_finished = Signal(int, bool)  # rows in the batch (unreadable files too), complete
    export_finished = Signal(str)  # report path
    export_failed = Signal(str, bool)  # reason, and whether an earlier report is kept whole
    adding_from = Signal(list)  # folders (real paths) whose image files a screening adds

    def __init__(self, batch: Batch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self.workers = WorkerGroup()
        self._init_models()
        self.mode = "auto"  # images as cells or whole fields (core.pipeline.MODES), next batch on
        self.screen_seconds = 0.0
        self.extent = Extent()  # what the batch was opened from, and the image files found
        self.waiting: list[tuple[list[Path], bool, str]] = []  # additions: paths, recursive, mode
        self._given_up: list[list[Path]] = []  # additions a stop gave up, until it has ended
        self._job = 0  # increases with every screening; stale results are dropped
        self._screening: Worker | None = None
        self._paths: list[Path] = []  # what the screening running was given
        self._export = ReportExport(self)
        self._started = 0.0
        self._files = (0, 0)  # images screened whole, of all images of the screening
        self._cells_before = 0  # cells in the batch when the screening started
        self._before = 0  # image files the batch held when the screening started
        self._held_files = 0  # of them, those with rows (the others: found, cut short)
        self._unscreened = Unscreened()  # the others, and its own files not screened yet
        #: the screening's copies, and those left out before it
        self._copies: tuple[Copies, LeftOut | None] = Copies(), LeftOut()
        self.unlike = UnlikeWatch(batch, lambda: self.classifier, lambda: self.screening, self)
        self.idle.connect(self.unlike.measure)  # screened, restored, stopped or exported
        self.model_ready.connect(self.unlike.outdated)  # its card may measure the batch

    # -- screening -----------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """True when the batch holds every image opened: no input's screening is running or
        was cut short (saved with the batch, shown after a restore)."""
        return not self.extent.cut_short

    @property
    def screening(self) -> bool:
        return self._screening is not None or bool(self.waiting)

    @property
    def exporting(self) -> bool:
        return self._export.running

    def screen(self, paths: Sequence[str | os.PathLike[str]], recursive: bool = True,
               mode: Mode | None = None) -> None:
        """Add the cells of ``paths`` (files and folders) to the batch, screened as ``mode``
        (default: the window's); while a screening runs, they wait their turn. Files the
        batch holds already are not screened again."""
        if self.model_error:
            self.message.emit(f"{self.model_error}; nothing can be screened")
            return
        self._load_chosen()
        paths = [Path(p) for p in paths]
        self.waiting.append((paths, recursive, mode or self.mode))
        if self._screening is not None:
            self.message.emit(f"{', '.join(p.name for p in paths)} will be screened next")
        elif self.classifier is None:
            self.progress.emit("Waiting for the model…", 0, 0)
        else:
            self._start_next()

    def screen_rest(self) -> None:
        """Screen, after the batch's rows, the image files of its inputs cut short (by a
        cancel or a crash) that have none, as they were screened: the reviews stay."""
        self.screen(self.extent.rest, self.extent.recursive, self.extent.mode)

    def _start_next(self) -> None:
        """Screen the first addition waiting, unless one is screening now: by the model that
        called the batch's cells, or none (an empty case takes the model loaded now)."""
        if not self.waiting or self._screening is not None:
            return
        if not self.batch.results:
            self.batch.set_model(*self.classifier.identity, self.classifier.rule,
                                 self.classifier.identities)
        elif other := self.batch.facts.other_model(self.classifier):
            self.waiting = []
            self._finish_screening(f"Not screened. {other}", self.complete)
            return
        paths, recursive, mode = self.waiting.pop(0)
        opened = self.extent  # its inputs compared with paths in the worker (see _on_reopened)
        running = self._take_sources(paths, recursive, mode)
        job = self._job = self._job + 1
        self._started, self._files, self._unscreened = time.perf_counter(), (0, 0), Unscreened()
        self._cells_before = self.batch.counts.classified
        self._held_files = len(screened_files(self.batch.results))
        self._before = max(self.extent.files, self._held_files)
        held = [result.path for result in self.batch.results]  # resolved in the worker
        before = self.extent.copies  # less those it finds again (see _on_reopened)
        self._copies = Copies(self.batch.results), before
        worker = Worker(screen_chunks, paths, self.classifier, recursive, mode, held,
                        self._copies[0], opened, stoppable=True)
        worker.yielded.connect(lambda chunk: self._on_chunk(job, chunk))
        worker.returned.connect(lambda outcome: self._on_screened(job, outcome))
        worker.errored.connect(
            lambda exc: self._on_screening_stopped(job, f"Screening stopped: {exc}"))
        # finished follows returned or errored; alone, it means the worker was cancelled
        worker.finished.connect(lambda: self._on_screening_stopped(job, "Screening cancelled"))
        self._screening, self._paths = worker, running
        self.progress.emit("Screening…", 0, 0)
        self.workers.start(worker)

    def _take_sources(self, paths: list[Path], recursive: bool, mode: Mode) -> list[Path]:
        """Name ``paths`` among the batch's sources and inputs as their screening begins
        (the rows are named from their folder once the worker has found which are folders:
        :meth:`_on_listed`); the paths whose screening, once at its end, leaves nothing of
        them cut short."""
        batch = self.batch
        batch.edit_facts(sources=with_sources(batch.facts.sources, paths))
        extent = self.extent.opened_again(paths, recursive)  # a search cut short, again
        running = [path for path in paths if str(path) not in extent.cut_short]
        self.extent = extent.with_inputs(paths, recursive=recursive,
                                         mode=mode).cut_short_at(running)
        return running

    def _on_chunk(self, job: int, chunk: ScreenChunk) -> None:
        if job != self._job:
            return
        if chunk.listed is not None:
            self._on_listed(chunk.listed)
        if chunk.reopened is not None:
            self._on_reopened(chunk.reopened)
        self.batch.extend(chunk.results)
        kept = self._before - chunk.not_added  # files that add no file to the batch's
        self._files = (kept + chunk.done, kept + chunk.total)
        copies, before = self._copies  # the worker's copies so far, as it yields
        left_out = None if before is None else copies.record(before)  # unknown stays
        extent = replace(self.extent, files=self._files[1], copies=left_out)
        self.extent = self._unscreened.at(extent, chunk.done)
        if not self.stopping:  # a chunk that comes after Cancel leaves "Stopping…" shown
            self.progress.emit(f"Screening {chunk.done:,} / {chunk.total:,}", chunk.done,
                               chunk.total)

    def _on_listed(self, listed: Listed) -> None:
        """Name the rows from the folder that holds the batch's and the screening's files,
        and say which folders add image files to the case (for File > Open recent)."""
        batch, holding = self.batch, listed.holding
        folders = [batch.folder] if batch.folder is not None else []
        batch.name_from(holding and shared_folder([*folders, holding]))
        if listed.adding:
            self.adding_from.emit(list(listed.adding))

    def _on_reopened(self, reopened: Reopened) -> None:
        """What the screening's paths, as real paths, search again of the inputs cut short
        before it, whatever their spelling: the files found there before are counted once,
        and an input searched again whole is cut short no more, but the screening's own
        paths stay cut short until it ends: stopped, or short of files found before (those
        it finds there new to the batch counted, not other paths'), it leaves them partial."""
        self._unscreened = Unscreened.of(self.extent, reopened, self._held_files)
        if reopened.overlaps:
            self._before = self._held_files + self._unscreened.left
        self.extent = self.extent.screened_whole(reopened.whole).cut_short_at(self._paths)
        copies, before = self._copies  # their copies found before are found again
        again = None if before is None else before.found_again(set(reopened.copied))
        self._copies = copies, again

    def _on_screened(self, job: int, outcome: ScreenOutcome) -> None:
        if job != self._job:
            return
        self.screen_seconds = time.perf_counter() - self._started
        counts, extra = self.batch.counts, outcome.notes()
        self._screening, self.extent = None, self._unscreened.screened(self.extent, self._paths)
        extra += status.gone(self._unscreened.gone)
        if self.waiting:
            self.message.emit(f"Added {counted(outcome.screened, 'file')}{extra}; screening "
                              "the next")
            self._start_next()
            return
        added = counts.classified - self._cells_before
        self._finish_screening(status.screened(counts, added, self.screen_seconds, extra,
                                               outcome.screened),
                               self.complete)

    def _on_screening_stopped(self, job: int, text: str) -> None:
        if job == self._job and self._screening is not None:
            self.screen_seconds = time.perf_counter() - self._started
            self._give_up_waiting()
            text = status.stopped(text, len(self._given_up), self._files, self.batch.counts)
            self._finish_screening(text, complete=False)

    def _finish_screening(self, text: str, complete: bool) -> None:
        self._screening, complete = None, complete and not self._given_up
        self._keep_given_up()
        self.idle.emit()
        self.message.emit(text)
        self.screening_finished.emit(len(self.batch), complete)

    def drop_screening(self) -> None:
        """Stop screening and ignore what it still sends (the batch is about to be replaced)."""
        self._cancel_screening()
        self._screening, self._given_up = None, []
        self._job += 1
        self.extent = Extent()

    def restore(self, session: Session) -> None:
        """Show a batch autosaved before a crash, or a case of the register, as its case (a
        new one when the session has none); a screening still running is dropped."""
        self.drop_screening()
        if self.classifier is not None:  # its card's threshold: the default of a case it called
            session = replace(session, facts=session.facts.with_card(self.classifier.identities,
                                                                     self.classifier.rule))
        self.extent = session.extent.as_saved(session.complete)
        self.batch.case = session.case if session.case is not None else Case()
        self.batch.restore(session)
        self.idle.emit()

    def not_screened(self) -> int | None:
        """Image files found but not screened, as the report gives them (None: some, not
        counted). An addition's files are counted when its search ends, so a batch cut short
        with every file counted screened still lacks some."""
        if self.complete:
            return 0
        return self.extent.not_screened(self.batch.results) or None

    # -- export --------------------------------------------------------------------------
    def export(self, path: Path, overwrite: bool) -> None:
        """Write the core's CSV report of the batch as it is now, in a worker."""
        self._export.start(path, overwrite)

    def shutdown(self, msecs: int = 30_000) -> bool:
        """The window is closing: stop every worker, and wait for all but a screening's.
        That one stops at the next step of the image in hand, its results dropped: the
        batch stays as it is, cut short (not ``complete``), for autosave's last write. The
        app waits for it before it exits."""
        screening, self._job = self._screening, self._job + 1
        self._screening = None  # nothing screens for the window any more
        self._give_up_waiting()
        self._keep_given_up()
        return self.workers.wait(msecs, besides=screening)
