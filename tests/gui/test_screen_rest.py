"""File > Screen the rest, and its button on the Case tab: a partial case reopened from the
register screens the images of its inputs that it lacks, after its cells, without the
technician opening its folders again; it is not offered for a signed case, nor a complete
one, and is off, saying why, when those folders are gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.register import Register
from malariascope.gui.case_rest import UNNAMED
from tests.gui.conftest import SCREENED
from tests.gui.helpers import SCREEN_TIMEOUT_MS, restore_at_start
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import answer
from tests.gui.test_quit_during_screening import gated, held  # noqa: F401
from tests.gui.test_register_dialog import open_past, open_register

FILES = 12  # the real cells of ``cut_short``


def reopen(window, qtbot, cells: int = SCREENED):
    """Keep the window's partial case (slide S-KILL-1, of ``cells`` cells) for later, start
    a new one, and open the partial case again from File > Case register…; the window, its
    open case the one reopened."""
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-KILL-1")
    assert window.past_case.shown is None and len(window.batch) == cells
    qtbot.waitUntil(lambda: not window.rest.looking, timeout=WAIT_MS)  # for its folders
    return window


@pytest.fixture
def reopened(make_window, qtbot, cut_short):
    """The folder of 12 real cells, and a window whose open case, reopened from the
    register, holds the first 5 of them, one reviewed: its screening stopped short."""
    folder, _ = cut_short
    return folder, reopen(restore_at_start(make_window, qtbot), qtbot)


def offered(window) -> bool:
    """True when Screen the rest is on, in File and as a button on the Case tab."""
    return window.actions.screen_rest.isEnabled() and not window.rest.isHidden()


def test_a_partial_case_reopened_from_the_register_screens_the_rest_of_its_inputs(
        reopened, qtbot, data_folder):
    """Reopened from the register, a partial case named the folder it lacked images of in
    its tooltip, but the technician had to find that folder and open it again."""
    folder, window = reopened
    controller = window.controller
    assert controller.not_screened() == FILES - SCREENED
    assert offered(window) and window.rest.why.isHidden()
    assert folder.name in window.actions.screen_rest.toolTip()
    progress, actions = [], window.actions
    # the actions as each step of the screening is told, however soon it ends
    controller.progress.connect(lambda task, done, total: progress.append(
        (task, total, actions.cancel.isEnabled(), actions.screen_rest.isEnabled())))
    with qtbot.waitSignal(controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        window.actions.screen_rest.trigger()
        assert not window.actions.screen_rest.isEnabled()  # one screening of the rest
    assert done.args == [FILES, True] and controller.complete
    assert progress and all(cancel and not rest for *_, cancel, rest in progress)
    paths = [result.path for result in window.batch.results]
    assert sorted(paths) == sorted(folder.iterdir())  # every cell, once
    assert len({result.sha256 for result in window.batch.results}) == FILES
    assert ("Screening 7 / 7", FILES - SCREENED, True, False) in progress
    assert window.batch.counts.reviewed == 1 and window.batch.decision(1).reviewer == "Ana"
    assert window.rest.isHidden() and not window.actions.screen_rest.isEnabled()
    assert not window.status.partial_label.isVisible()
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        stored = register.load(window.batch.case.uid)
    assert stored.screening_complete and len(stored.cells) == FILES
    assert sorted(cell.path for cell in stored.cells) == sorted(folder.iterdir())


def test_a_batch_cancelled_then_reopened_from_the_register_screens_its_rest_once(
        held, qtbot):  # noqa: F811
    """A screening of 140 real cells cancelled at the 131st: kept, reopened, its rest
    screened, the case holds each of the 140 once."""
    window, gate = held
    folder = window.controller.extent.inputs[0]
    window.controller.cancel()
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    cut = len(window.batch)
    assert cut < 140 and not window.controller.complete
    window.case.update(sample_id="S-KILL-1")
    window = reopen(window, qtbot, cut)
    assert offered(window)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        window.actions.screen_rest.trigger()
    assert done.args == [140, True] and window.controller.complete
    paths = [result.path for result in window.batch.results]
    assert sorted(paths) == sorted(Path(folder).iterdir()) and len(set(paths)) == 140
    assert window.rest.isHidden()


def test_a_signed_case_offers_no_screening_of_its_rest(reopened, qtbot):
    _, window = reopened
    assert window.case_flow.sign("Ana Reyes")
    assert window.rest.isHidden() and not window.actions.screen_rest.isEnabled()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-KILL-1")
    assert window.past_case.shown is not None and not window.controller.complete
    assert window.rest.isHidden() and not window.actions.screen_rest.isEnabled()


def test_the_rest_of_a_case_whose_folder_is_gone_is_off_and_says_why(
        make_window, qtbot, cut_short, tmp_path):
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    moved = shutil.move(folder, tmp_path / "moved")
    window = reopen(window, qtbot)
    assert not window.rest.isHidden() and not window.actions.screen_rest.isEnabled()
    why = window.rest.why.text()
    assert not window.rest.why.isHidden() and str(folder) in why and "not there" in why
    shutil.move(moved, folder)  # back (a drive connected) while another program was in front
    QApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    qtbot.waitUntil(lambda: offered(window), timeout=WAIT_MS)
    assert window.rest.why.isHidden()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.screen_rest()
    assert len(window.batch) == FILES and window.controller.complete


def test_the_rest_of_a_case_that_names_no_inputs_is_off_and_says_why(
        make_window, qtbot, cut_short, data_folder):
    """A case saved before the register kept its inputs is partial, its folders unknown."""
    window = restore_at_start(make_window, qtbot)
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        register._db.execute("UPDATE cases SET inputs = NULL")
    window = open_past(open_register(window, qtbot), qtbot, "S-KILL-1")
    assert not window.controller.complete and window.controller.extent.rest == ()
    assert not window.rest.isHidden() and not window.actions.screen_rest.isEnabled()
    assert window.rest.why.text() == UNNAMED
    assert not window.screen_rest() and len(window.batch) == SCREENED
    assert window.status.currentMessage() == UNNAMED


def test_a_case_that_names_its_folder_by_a_relative_name_offers_no_rest(
        make_window, qtbot, cut_short, data_folder, tmp_path, real_cells, monkeypatch):
    """Saved by a window opened as ``malariascope gui sample``, the case named its folder
    "sample": reopened where the current folder held another "sample", its rest was offered
    and screened from that other folder."""
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        (inputs,) = register._db.execute("SELECT inputs FROM cases").fetchone()
        register._db.execute("UPDATE cases SET inputs = ?",
                             (inputs.replace(str(folder), folder.name),))
    elsewhere = tmp_path / "elsewhere" / folder.name
    elsewhere.mkdir(parents=True)
    for path in real_cells["uninfected"][20:23]:
        shutil.copy(path, elsewhere / path.name)
    monkeypatch.chdir(elsewhere.parent)
    window = open_past(open_register(window, qtbot), qtbot, "S-KILL-1")
    assert not window.controller.complete and window.controller.extent.rest == ()
    assert not window.actions.screen_rest.isEnabled() and window.rest.why.text() == UNNAMED
    assert not window.screen_rest() and len(window.batch) == SCREENED
