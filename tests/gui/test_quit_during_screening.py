"""Quit while a screening runs asks as Quit after it does: Keep for later or Discard stop
the screening, the case keeping the cells screened so far, and the window closes at once;
Cancel leaves it screening."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from malariascope.core import pipeline
from malariascope.core.register import Register
from malariascope.gui import screening_work
from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_keep_for_later import KEEP_BUTTONS, answer, no_work_left, stored
from tests.gui.test_register_dialog import open_past, open_register
from tests.images import make_cell_folder

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


def gated_folder(monkeypatch, cell_test_dir, folder: Path, cells: int) -> Gate:
    """``cells`` real cells in ``folder``, whose screening the :class:`Gate` returned holds
    at the 131st."""
    folder.mkdir()
    for number, path in enumerate(sorted((cell_test_dir / "uninfected").glob("*.png"))[:cells]):
        shutil.copy(path, folder / f"cell_{number:03}.png")
    gate, load = Gate("cell_130.png"), pipeline._load

    def held_load(path: Path, *args):
        if path.name == gate.name:
            gate.hold()
        return load(path, *args)

    monkeypatch.setattr(pipeline, "_load", held_load)
    return gate


@pytest.fixture
def gated(monkeypatch, cell_test_dir, tmp_path):
    """A folder of 140 real cells whose screening is held at the 131st by the :class:`Gate`
    given with it (opened at teardown): the first 64, one chunk, reach the window."""
    folder = tmp_path / "held"
    gate = gated_folder(monkeypatch, cell_test_dir, folder, 140)
    yield folder, gate
    gate.open()


@pytest.fixture
def held(make_window, qtbot, gated):
    """A window (autosave on) screening slide S-HELD, the :func:`gated` folder, held with
    its first 64 cells in the window. And the :class:`Gate`."""
    folder, gate = gated
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window, [folder])
    window.case.update(sample_id="S-HELD")
    qtbot.waitUntil(lambda: window.autosave.work is not None and len(window.batch) == 64
                    and gate.reached.is_set(), timeout=WAIT_MS)
    return window, gate


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


def test_keep_for_later_on_quit_during_screening_keeps_the_cells_so_far_cut_short(
        held, qtbot, data_folder):
    """With no review made, Quit during a screening asked nothing and gave the case up; the
    question then asked did not say that the case was still being screened, then counted the
    cells that would leave as those screened when it was shown, while more came in."""
    window, gate = held
    asked = answer(window, "Keep for later")
    window.close()
    assert not window.isVisible() and asked[0][1] == KEEP_BUTTONS
    assert asked[0][0].startswith("Quit? The open case S-HELD is not signed and is still being "
                                  "screened (64 cells so far): any answer but Cancel stops the "
                                  "screening. Keep for later leaves it")
    assert asked[0][0].endswith("discarded, its cells (more as the screening goes on) and 0 "
                                "reviews leave the window and the register.")
    assert gate.holding and stored(data_folder) == {"S-HELD": ("open", 64, 0)}  # written
    gate.open()
    workers_done(window, qtbot)
    with Register(data_folder) as register:
        (case,) = register.cases()
    assert case.status_words() == "open, partial" and no_work_left(data_folder)


def test_cancel_on_quit_during_screening_leaves_the_window_screening(held, qtbot):
    window, gate = held
    worker = window.controller._screening
    asked = answer(window, "Cancel")
    window.close()
    assert asked and window.isVisible() and not worker.abort_requested
    with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS) as blocker:
        gate.open()
    assert blocker.args == [140, True]


def test_cells_screened_after_a_report_was_written_are_asked_about_at_quit(held, qtbot,
                                                                           tmp_path):
    """A report written while the screening ran (Export… of Quit's question) counted as
    holding the case once the screening ended: Quit then gave up the cells after it."""
    window, gate = held
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "report.csv")
    with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS):
        gate.open()
    asked = answer(window, "Cancel")
    assert not window.case_flow.leaving.may_quit() and len(asked) == 1


@pytest.fixture
def taken(screened_window, gated, qtbot):
    """The window's case S-RACE (6 cells) kept for later, taken back from the register and
    screening the :func:`gated` folder, two broken files first, held with 62 of its cells
    in; the window and the :class:`Gate`."""
    window = screened_window
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    folder, gate = gated
    (folder / "a_empty.png").write_bytes(b"")  # two error rows first: no cells
    (folder / "a_text.png").write_text("not an image", encoding="utf-8")
    start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 6 + 2 + 62 and gate.reached.is_set(),
                    timeout=WAIT_MS)
    return window, gate


@pytest.mark.parametrize("reply", ["Keep for later", "Cancel"])
def test_quit_while_a_case_taken_from_the_register_is_screened_asks_first(
        taken, qtbot, data_folder, reply):
    """Quit during a screening of a case taken back from the register stopped it without a
    word, the case left there cut short."""
    window, gate = taken
    asked = answer(window, reply)
    window.close()
    assert asked == [("Quit? Case S-RACE is still being screened: quitting stops it. The case "
                      "stays in the case register, open, with the 68 cells screened so far, "
                      "marked partial. To screen the rest, open it from File > Case register… "
                      "and open its images again (the cells it holds are left out).",
                      ("Cancel", ["Cancel", "Keep for later"]))]
    assert window.isVisible() == (reply == "Cancel")
    gate.open()
    if reply == "Cancel":
        qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
        assert len(window.batch) == 6 + 2 + 140
        return
    workers_done(window, qtbot)
    with Register(data_folder) as register:
        (case,) = register.cases()
    assert (case.status_words(), case.rows) == ("open, partial", 70)  # rows: errors too


def test_keep_for_later_with_a_folder_waiting_keeps_no_count_of_files_it_never_found(
        held, qtbot, data_folder, tmp_path, make_window):
    """Kept for later by Quit while a folder waited its turn, the case kept the 140 image
    files an earlier save had found, not that the folder waiting was never counted:
    reopened, it read "76 not screened", and so would its report, though the 3 cells of
    the folder waiting were not screened either."""
    window, gate = held
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        assert window.autosave.save_now()  # 140 image files found, 64 screened
    make_cell_folder(tmp_path / "waiting", 3)
    assert window.open_paths([tmp_path / "waiting"]) and window.controller.waiting
    answer(window, "Keep for later")
    window.close()
    gate.open()
    workers_done(window, qtbot)

    again = make_window(start=False)
    with qtbot.waitSignal(again.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(again)
    qtbot.waitUntil(lambda: again.autosave.register is not None, timeout=WAIT_MS)
    open_past(open_register(again, qtbot), qtbot, "S-HELD")
    label = again.status.partial_label
    assert len(again.batch) == 64 and label.isVisible()
    assert label.text() == "<b>Partial batch</b>"  # no count: some files were never found
    assert label.toolTip().startswith("Some image files were not screened")


def test_a_cancel_with_a_folder_waiting_counts_no_files_as_all_found(
        make_window, qtbot, monkeypatch, cell_test_dir, tmp_path):
    """Esc while a folder waited its turn dropped it without a trace: the case read "72 not
    screened" of the 200 files found, though the 3 cells of the folder waiting were not
    screened either. The results of the images in hand, sent after Esc, counted the files
    found over the folder given up."""
    folder = tmp_path / "held"
    gate = gated_folder(monkeypatch, cell_test_dir, folder, 200)
    monkeypatch.setattr(screening_work, "CHUNK_SECONDS", 0)  # each batch of results is sent
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window, [folder])
    qtbot.waitUntil(lambda: len(window.batch) == 64 and gate.reached.is_set(), timeout=WAIT_MS)
    make_cell_folder(tmp_path / "waiting", 3)
    assert window.open_paths([tmp_path / "waiting"]) and window.controller.waiting
    assert gate.holding
    window.controller.cancel()  # Esc: the batch of images in hand is screened and sent
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    label = window.status.partial_label
    assert len(window.batch) == 128 and label.isVisible()
    assert label.text() == "<b>Partial batch</b>"  # no count: some files were never found
    assert "(and 1 addition waiting, not screened)" in window.status.currentMessage()
