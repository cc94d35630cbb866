"""Workers and the generators they run, without a window: chunks, cancel, export, errors."""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import QThreadPool

from malariascope.core.classifier import Classifier
from malariascope.gui import _compat, workers
from malariascope.gui.batch import Batch
from malariascope.gui.screening_work import screen_chunks
from malariascope.gui.workers import Worker, WorkerGroup, export_rows
from tests.images import FIELD_CELLS, make_cell_folder


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


def test_screen_chunks_announce_the_total_then_stream_results(tmp_path, classifier):
    make_cell_folder(tmp_path, 70)
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    generator = screen_chunks([tmp_path, tmp_path / "missing"], classifier)
    first = next(generator)
    assert (first.results, first.done, first.total) == ([], 0, 70)
    chunks, outcome = [], None
    while True:
        try:
            value = next(generator)
        except StopIteration as stop:
            outcome = stop.value
            break
        if value is not None:
            chunks.append(value)
    assert sum(len(c.results) for c in chunks) == 71 and chunks[-1].done == 70
    assert [p.name for p in outcome.skipped] == ["notes.txt"]
    assert outcome.missing == [tmp_path / "missing"]
    assert chunks[-1].results[-1].error == "no such file or folder: not screened"  # its row


def test_export_closed_early_writes_nothing(tmp_path, classifier, monkeypatch):
    make_cell_folder(tmp_path / "cells", 8)
    batch = Batch()
    batch.set_model(classifier.model_name, classifier.backend.model_sha256, classifier.rule)
    for chunk in screen_chunks([tmp_path / "cells"], classifier):
        if chunk:
            batch.extend(chunk.results)
    monkeypatch.setattr(workers, "EXPORT_PROGRESS_EVERY", 2)
    report = tmp_path / "report.csv"
    generator = export_rows(report, batch.snapshot(), overwrite=False)
    assert next(generator) == (2, 8)
    generator.close()  # what a cancelled worker does
    assert list(tmp_path.iterdir()) == [tmp_path / "cells"]


def _count(n: int):
    for i in range(n):
        yield i if i % 2 else None  # None: a chance to stop, not sent
    return "done"


def test_worker_sends_values_then_the_return_value(qtbot):
    worker = Worker(_count, 6)
    seen = []
    worker.yielded.connect(seen.append)
    with qtbot.waitSignal(worker.returned) as returned, qtbot.waitSignal(worker.finished):
        WorkerGroup().start(worker)
    assert seen == [1, 3, 5] and returned.args == ["done"]


class _Rows:
    """Stands for a batch's rows handed to a worker."""


def _run_to_the_end(qtbot) -> weakref.ref:
    """Run a worker on fresh rows, with a slot that refers to the worker (as the controller's
    do); returns a weak reference to the rows."""
    rows = _Rows()
    worker = Worker(len, [rows])
    worker.returned.connect(lambda value: worker.signals)
    with qtbot.waitSignal(worker.finished):
        WorkerGroup().start(worker)
    return weakref.ref(rows)


def test_a_finished_worker_lets_go_of_its_arguments(qtbot):
    """A worker handed to the pool as a QRunnable was never freed, with its arguments (a
    batch's rows for every export, a session for every autosave)."""
    freed = _run_to_the_end(qtbot)
    qtbot.waitUntil(lambda: gc.collect() >= 0 and freed() is None, timeout=5_000)


def test_worker_reports_errors_and_cancel(qtbot):
    failing = Worker(int, "not a number")
    with qtbot.waitSignal(failing.errored) as errored:
        WorkerGroup().start(failing)
    assert isinstance(errored.args[0], ValueError)

    def endless():
        while True:
            yield None

    group = WorkerGroup()
    worker = Worker(endless)
    with qtbot.assertNotEmitted(worker.returned), qtbot.waitSignal(worker.finished):
        group.start(worker)
        worker.quit()
    qtbot.waitUntil(lambda: len(group) == 0)
    assert QThreadPool.globalInstance().waitForDone(5000)


@pytest.mark.parametrize(("python", "shiboken", "implementation", "expected"), [
    ((3, 11), "6.12.0", "CPython", True),
    ((3, 10), "6.13.1", "CPython", True),
    ((3, 12), "6.12.0", "CPython", False),
    ((3, 11), "6.11.2", "CPython", False),
    ((3, 11), "6.12.0", "PyPy", False),
])
def test_refcount_guard_only_where_the_bug_bites(python, shiboken, implementation, expected):
    assert _compat.needs_guard(python, shiboken, implementation) is expected


def test_many_qt_calls_do_not_exhaust_none_or_true(qapp):
    """Regression for PySide6 6.12 on Python < 3.12: each void call used to drop a
    reference to None (and each emit one to True) until the interpreter aborted."""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    class Emitter(QObject):
        fired = Signal(int)

    label, emitter = QLabel(), Emitter()
    for i in range(30_000):
        label.setText("x")
        emitter.fired.emit(i)
    assert label.text() == "x"


def test_screen_chunks_count_files_while_a_field_gives_a_row_per_cell(tmp_path, classifier):
    from tests.images import write_field

    make_cell_folder(tmp_path, 1)
    write_field(tmp_path / "field.png")
    chunks = [c for c in screen_chunks([tmp_path], classifier) if c]
    assert (chunks[0].total, chunks[-1].done) == (2, 2)
    assert sum(len(c.results) for c in chunks) == 1 + FIELD_CELLS
    (whole,) = (r for c in screen_chunks([tmp_path / "field.png"], classifier, mode="cell")
                if c for r in c.results)
    assert whole.box is None


def test_chunks_hold_whole_fields_so_a_cancel_leaves_no_part_of_one(tmp_path, classifier):
    from collections import Counter

    import numpy as np

    from malariascope.core.pipeline import BATCH_SIZE
    from tests.images import make_field, write_rgb

    for name, seed in (("a_field.png", 0), ("b_field.png", 1)):  # four fields' cells in one
        write_rgb(tmp_path / name, np.tile(make_field(seed)[0], (2, 2, 1)))
    make_cell_folder(tmp_path / "cells", 3)
    whole = {path: len([r for c in screen_chunks([path], classifier) if c for r in c.results])
             for path in (tmp_path / "a_field.png", tmp_path / "b_field.png")}
    assert min(whole.values()) > 2 * BATCH_SIZE  # several inference batches per field

    generator = screen_chunks([tmp_path], classifier)
    assert next(generator).total == 5
    first = next(generator)  # sent once the first field is whole, and nothing of the next
    generator.close()  # what a cancelled worker does
    assert Counter(r.path for r in first.results) == {tmp_path / "a_field.png": whole[
        tmp_path / "a_field.png"]}

    chunks = [c for c in screen_chunks([tmp_path], classifier) if c and c.results]
    for chunk in chunks:
        fields = Counter(r.path for r in chunk.results if r.box is not None)
        assert all(count == whole[path] for path, count in fields.items())
    assert [c.done for c in chunks] == sorted(c.done for c in chunks) and chunks[-1].done == 5
    assert sum(len(c.results) for c in chunks) == sum(whole.values()) + 3
