"""A batch of thousands of cells: Cancel stops it and keeps what was done.

How soon Cancel stops it, and the throughput and memory of a 20,000-cell batch, are figures,
not tests: see ``benchmarks/gui_cancel.py`` and ``benchmarks/gui_big_batch.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from malariascope.core.discovery import Discovery
from tests.images import write_many_cells

CELLS = 4_000


@pytest.fixture(scope="module")
def thousands(tmp_path_factory) -> Path:
    """4,000 generated cells: twenty pictures, each written 200 times
    (``write_many_cells``)."""
    return write_many_cells(tmp_path_factory.mktemp("thousands"), CELLS)


def test_cancel_stops_a_big_batch_and_keeps_the_rows(window, qtbot, thousands):
    window.open_paths([thousands])
    qtbot.waitUntil(lambda: len(window.batch) >= 300, timeout=120_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=10_000) as blocker:
        window.status.task_status.cancel_button.click()  # benchmarks/gui_cancel.py times it
    cells, complete = blocker.args  # the worker has returned: its pipeline is shut
    assert not complete and 300 <= cells < CELLS and not window.controller.complete
    assert window.windowTitle() == f"MalariaScope — {thousands.name} (partial)[*]"
    assert f"of {CELLS:,} images ({cells:,} cells)" in window.statusBar().currentMessage()
    assert not [t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]
    qtbot.wait(1_000)  # nothing more arrives once stopped
    assert len(window.batch) == window.proxy.rowCount() == cells
    batch = window.batch
    assert [r.path for r in batch.results] == list(Discovery([thousands]))[:cells]
    assert all(r.ok and r.probability is not None for r in batch.results)
    assert window.summary.text("cells") == f"{cells:,} / 2,000"
    assert window.actions.export.isEnabled() and not window.actions.cancel.isEnabled()
