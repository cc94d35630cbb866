"""Cancel while real single cells are screened in batches: every cell the model had called
when Cancel came is sent to the window and kept, its call shown and counted; only the cells
not yet called are left for Screen the rest, which screens them and no other."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.gui.helpers import SCREEN_TIMEOUT_MS


@pytest.fixture(scope="module")
def cells_of(cell_test_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """A folder of the first ``count`` real cells of the NIH test split, by name."""
    def copied(count: int) -> Path:
        folder = tmp_path_factory.mktemp(f"cells{count}")
        names = sorted(cell_test_dir.glob("*/*.png"), key=lambda path: path.name)[:count]
        for path in names:
            shutil.copy(path, folder / path.name)
        return folder
    return copied


class CancelAfterFirstBatch:
    """The window's own model, told to wait once it has called its first batch until the
    test has pressed Cancel: a known point of the screening, not a moment in time."""

    def __init__(self, classifier) -> None:
        self.predict = classifier.predict
        self.called = 0  # cells the model has called
        self.first_called = threading.Event()
        self.cancelled = threading.Event()

    def __call__(self, batch):
        scores = self.predict(batch)
        self.called += len(batch)
        if not self.first_called.is_set():
            self.first_called.set()
            assert self.cancelled.wait(60), "Cancel never came"
        return scores


@pytest.mark.parametrize("count", [150, 40])  # several batches of 64 cells, and under one
def test_cancel_keeps_every_cell_called_and_the_rest_screens_the_others(
        window, qtbot, monkeypatch, cells_of, count):
    folder = cells_of(count)
    controller = window.controller
    model = CancelAfterFirstBatch(controller.classifier)
    monkeypatch.setattr(controller.classifier, "predict", model)
    with qtbot.waitSignal(controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as blocker:
        window.open_paths([folder])
        qtbot.waitUntil(model.first_called.is_set, timeout=SCREEN_TIMEOUT_MS)
        window.actions.cancel.trigger()
        model.cancelled.set()
    kept, complete = blocker.args
    assert kept == model.called and not complete
    assert kept == min(count, 64)  # the model was asked for no cell after Cancel
    results = window.batch.results
    assert len(results) == window.proxy.rowCount() == window.batch.counts.classified == kept
    assert all(result.ok and result.probability is not None for result in results)
    screened = {result.path.name for result in results}
    # none left when every cell was called, yet a cancelled search tells no count
    assert controller.not_screened() == ((count - kept) or None)
    with qtbot.waitSignal(controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as rest:
        controller.screen_rest()
    assert rest.args == [count, True] and controller.complete
    assert model.called == count  # each cell called once: none kept was screened again
    assert screened <= {result.path.name for result in window.batch.results}
