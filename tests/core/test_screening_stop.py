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


class _StopAfterFirstScores:
    """The real model, which sets ``stop`` once it has scored its first cells (a field's,
    scored whole by its loader while a single cell before it waits for its batch)."""

    def __init__(self, classifier, stop: threading.Event) -> None:
        self._classifier, self._stop = classifier, stop

    def __getattr__(self, name: str):
        return getattr(self._classifier, name)

    def predict(self, *args, **kwargs):
        scores = self._classifier.predict(*args, **kwargs)
        self._stop.set()
        return scores


def test_a_field_screened_whole_before_the_stop_is_kept_though_a_cell_waits(
        tmp_path, classifier):
    """A Cancel that came as a field's cells had all been called dropped them with the
    single cell waiting before it: the field was screened again by Screen the rest."""
    cell = write_rgb(tmp_path / "a_cell.png", make_cell(seed=0))
    field, _ = write_field(tmp_path / "b_field.png")
    stop = threading.Event()
    results = list(screen([cell, field], _StopAfterFirstScores(classifier, stop),
                          stop=stop))
    assert stop.is_set()
    assert [result.path.name for result in results] == ["b_field.png"] * FIELD_CELLS
