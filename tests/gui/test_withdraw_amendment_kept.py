"""Withdrawing an amendment in the window: refused once images were opened during it, its
screening was cut short or another model took its cells, let through for a threshold put
back, and a new amendment saved over a withdrawn one keeps its own reason in the register
even when the register refused the withdrawal's save."""

from __future__ import annotations

import shutil

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from tests.core.test_register import counts_of
from tests.gui.helpers import amend_case, click, screen_and_wait, wait_for_box
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
    window.case_flow.refuse = lambda *args: refused.append(args)
    return refused


def test_reamended_after_a_withdrawal_the_register_refused_keeps_its_reason(
        screened_window, qtbot, data_folder, slow_save):
    window = screened_window
    uid = window.case.case.uid
    signed_and_amended(window, qtbot)
    slow_save.refused = uid
    assert window.case_flow.amending.withdraw_amendment()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    assert amend_case(window, qtbot, "patient id typed wrong", "Cy Poe")
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
    assert not window.case_flow.amending.withdraw_amendment()
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
    assert not window.case_flow.amending.withdraw_amendment()
    assert "images opened" in refused[0][1] and window.case.case.amending


def test_a_threshold_put_back_as_signed_lets_the_amendment_be_withdrawn(screened_window,
                                                                        qtbot):
    window = screened_window
    signed_and_amended(window, qtbot)
    signed_at = window.batch.facts.rule.threshold
    window.batch.set_threshold(0.62)
    window.batch.set_threshold(signed_at)
    refused = _refusals(window)
    assert window.case_flow.amending.withdraw_amendment(), refused


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
    assert not window.case_flow.amending.withdraw_amendment()
    assert "(the screening was cut short)" in refused[0][1] and window.case.case.amending
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert _stored(data_folder, uid)[2:] == (0, "open")
    screen_and_wait(window, qtbot, [folder])  # screened to its end again: as signed
    withdraw(window, qtbot)
    assert window.case.case.signed == signed
    assert _stored(data_folder, uid)[2:] == (1, "signed")


def test_a_case_the_loaded_model_took_during_an_amendment_keeps_it_open(
        make_window, qtbot, data_folder, tmp_path):
    """A case saved before models were named takes the model that loads as its own (its
    counts unchanged): the amendment was withdrawn, and the case stored signed as called by
    a model that never called it."""
    classifier, folder = Classifier.open(), tmp_path / "slide"
    results = list(screen(make_cell_folder(folder, 4), classifier))
    case = Case(CaseFacts("S-UNNAMED"), rule=classifier.rule, sources=(folder.name,))
    counts, extent = counts_of(results, classifier), Extent((str(folder),), files=4)
    case.sign("Ann Lee", counts)
    case.amend("opened the wrong case", "Ann Lee", decisions=0, extent=extent)
    facts = BatchFacts(sample_id="S-UNNAMED", rule=classifier.rule, sources=(folder.name,))
    with Register(data_folder) as register:  # the window stopped during the amendment
        CaseWork(register).save(Session(results, facts, case=case, extent=extent), counts)
    window = make_window(start=False)
    window.autosave.resume()
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    with qtbot.waitSignal(window.controller.model_ready, timeout=WAIT_MS):
        window.start()
    assert window.case.case.model == classifier.model_name
    refused = _refusals(window)
    assert not window.case_flow.amending.withdraw_amendment()
    assert "(the model)" in refused[0][1] and window.case.case.amending
