"""Quit while a screening runs: the window closes at once, the screening told to stop."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from malariascope.core import pipeline
from malariascope.gui.app import start
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_keep_for_later import answer, no_work_left, stored

HOLD_S = 20  # less than the 30 s a closing window waits for a worker: one that waited sees it


class Gate:
    """Holds the screening at the load of the file ``name`` until :meth:`open`, or for
    :data:`HOLD_S` at most (then it counts as opened)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.reached, self.opened = threading.Event(), threading.Event()

    @property
    def holding(self) -> bool:
        return self.reached.is_set() and not self.opened.is_set()

    def open(self) -> None:
        self.opened.set()

    def hold(self) -> None:
        self.reached.set()
        self.opened.wait(HOLD_S)
        self.opened.set()


@pytest.fixture
def held(make_window, qtbot, monkeypatch, cell_test_dir, tmp_path):
    """A window (autosave on) screening slide S-HELD, 140 real cells, held at the 131st:
    the first 64, one chunk, are in the window. And its :class:`Gate`, opened at teardown."""
    folder = tmp_path / "held"
    folder.mkdir()
    for number, path in enumerate(sorted((cell_test_dir / "uninfected").glob("*.png"))[:140]):
        shutil.copy(path, folder / f"cell_{number:03}.png")
    gate, load = Gate("cell_130.png"), pipeline._load

    def held_load(path: Path, *args):
        if path.name == gate.name:
            gate.hold()
        return load(path, *args)

    monkeypatch.setattr(pipeline, "_load", held_load)
    window = make_window()
    start(window, [folder])
    window.case.update(sample_id="S-HELD")
    qtbot.waitUntil(lambda: window.autosave.work is not None and len(window.batch) == 64
                    and gate.reached.is_set(), timeout=WAIT_MS)
    yield window, gate
    gate.open()


def workers_done(window, qtbot) -> None:
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)


def test_quit_during_screening_closes_without_waiting_for_the_image_in_hand(
        held, qtbot, data_folder):
    """The window waited for the screening to finish the image in hand, seconds for a
    whole field, before it closed; the worker is told to stop and left to end alone."""
    window, gate = held
    worker = window.controller._screening
    window.batch.set_review(0, window.batch.final_call(0))
    asked = answer(window, "Discard")
    window.close()
    assert asked and not window.isVisible() and worker.abort_requested and gate.holding
    gate.open()
    workers_done(window, qtbot)
    assert len(window.batch) == 64  # what it screened after the window closed is dropped
    assert stored(data_folder) == {} and no_work_left(data_folder)
