"""A screening given a stop event: once set, a whole field stops within its screening and the
results end with the cells the model has called; never set, or outside a screening, nothing
changes."""

from __future__ import annotations

import threading

from malariascope.core.cancelling import checkpoint
from malariascope.core.pipeline import screen
from tests.images import FIELD_CELLS, make_cell, write_field, write_rgb


def test_a_stop_ends_the_screening_within_a_field(tmp_path, classifier):
    cell = write_rgb(tmp_path / "a_cell.png", make_cell(seed=0))
    field, _ = write_field(tmp_path / "b_field.png")
    stop = threading.Event()
    stop.set()  # before the field's first step: it gives no result, not even in part
    results = screen([cell, field, write_rgb(tmp_path / "c_cell.png", make_cell(seed=1))],
                     classifier, stop=stop)
    assert list(results) == []  # the cell loaded before it was not called either
    names = [t.name for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]
    assert not names, "the loaders outlived the stop"


def test_a_stop_never_set_screens_every_cell(tmp_path, classifier):
    field, _ = write_field(tmp_path / "field.png")
    results = list(screen([field], classifier, stop=threading.Event()))
    assert len(results) == FIELD_CELLS and all(result.ok for result in results)


def test_a_checkpoint_outside_a_stoppable_screening_does_nothing():
    checkpoint()  # the command line, evaluate-fields: every step runs to its end
