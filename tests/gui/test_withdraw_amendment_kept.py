"""Withdrawing an amendment in the window: refused once images were opened during it or its
screening was cut short, let through for a threshold put back, and a new amendment saved
over a withdrawn one keeps its own reason in the register even when the register refused
the withdrawal's save."""

from __future__ import annotations

import shutil

from malariascope.core.register import Register
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_withdraw_amendment import signed_and_amended, withdraw
from tests.images import make_cell_folder


def _stored(data_folder, uid):
    with Register(data_folder) as register:
        return register._db.execute(
            "SELECT sources, files_found, screening_complete, status FROM cases "
            "WHERE uid = ?", (uid,)).fetchone()


def _refusals(window) -> list:
    refused = []
    window.case_flow._refuse = lambda *args: refused.append(args)
    return refused


def test_reamended_after_a_withdrawal_the_register_refused_keeps_its_reason(
        screened_window, qtbot, data_folder, slow_save):
    window = screened_window
    uid = window.case.case.uid
    signed_and_amended(window, qtbot)
    slow_save.refused = uid
    assert window.case_flow.withdraw_amendment()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    assert window.case_flow.amend("patient id typed wrong", "Cy Poe")
    slow_save.refused = ""
    window.autosave.writes._retry.start(10)  # the 30 s retry, sooner
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        stored = register.load(uid).case
    assert stored.amendments == window.case.case.amendments


def test_a_screening_cancelled_during_an_amendment_keeps_it_open(
        screened_window, qtbot, data_folder, tmp_path):
    window = screened_window
    uid = window.case.case.uid
    signed_and_amended(window, qtbot)
    before = _stored(data_folder, uid)
    make_cell_folder(tmp_path / "more", 400)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        assert window.open_paths([tmp_path / "more"])
        window.controller.cancel()
    refused = _refusals(window)
    assert not window.case_flow.withdraw_amendment()
    assert "images opened" in refused[0][1] and window.case.case.amending
    assert _stored(data_folder, uid)[3] == before[3] == "open"


def test_copies_opened_during_an_amendment_keep_it_open(screened_window, qtbot,
                                                        data_folder, tmp_path):
    window = screened_window
    signed_and_amended(window, qtbot)
    copies = tmp_path / "copies"
    copies.mkdir()
    for path in sorted((tmp_path / "cells").iterdir()):
        shutil.copy(path, copies / f"copy_{path.name}")
    screen_and_wait(window, qtbot, [copies])
    refused = _refusals(window)
    assert not window.case_flow.withdraw_amendment()
    assert "images opened" in refused[0][1] and window.case.case.amending


def test_a_threshold_put_back_as_signed_lets_the_amendment_be_withdrawn(screened_window,
                                                                        qtbot):
    window = screened_window
    signed_and_amended(window, qtbot)
    signed_at = window.batch.facts.rule.threshold
    window.batch.set_threshold(0.62)
    window.batch.set_threshold(signed_at)
    refused = _refusals(window)
    assert window.case_flow.withdraw_amendment(), refused


def test_a_folder_of_the_case_cancelled_during_an_amendment_keeps_it_open(
        screened_window, qtbot, data_folder, tmp_path):
    """Opened again, a folder the case lists adds no source, and cancelled, no cell: only the
    screening's extent moved, cut short. The amendment was withdrawn all the same, and the
    register held the case signed, partial, though it was signed whole."""
    window = screened_window
    uid = window.case.case.uid
    signed = signed_and_amended(window, qtbot)
    controller, folder = window.controller, tmp_path / "cells"
    cancel = window.status.task_status.cancel_button
    press = lambda *_: cancel.click()  # noqa: E731  Cancel, as the screening begins
    controller.progress.connect(press)
    with qtbot.waitSignal(controller.screening_finished, timeout=60_000) as finished:
        assert window.open_paths([folder])
    controller.progress.disconnect(press)
    assert finished.args == [6, False]
    refused = _refusals(window)
    assert not window.case_flow.withdraw_amendment()
    assert "(the screening was cut short)" in refused[0][1] and window.case.case.amending
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert _stored(data_folder, uid)[2:] == (0, "open")
    screen_and_wait(window, qtbot, [folder])  # screened to its end again: as signed
    withdraw(window, qtbot)
    assert window.case.case.signed == signed
    assert _stored(data_folder, uid)[2:] == (1, "signed")
