"""A past case on show read-only as autosave is off comes to be finished in the window once
autosave comes on, when it is an open case only a window that autosaves can finish and the
register lets the window take it; a case read-only for another reason stays as it is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.gui import case_dialogs
from tests.core.test_register import counts_of
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_autosave_back import cannot_be_made, off_at_start
from tests.gui.test_keep_for_later import review, stored
from tests.gui.test_take_refused import CHANGED, add_review_elsewhere, notes
from tests.images import make_cell_folder

CELLS = 6
AT = "2026-03-06T09:30:00+00:00"


@pytest.fixture
def filed(data_folder: Path, tmp_path: Path) -> dict[str, Case]:
    """Two cases of 6 real cells in the register: S-OPEN, open, and S-SIGNED, signed."""
    classifier = Classifier.open()
    results = list(screen(make_cell_folder(tmp_path / "slide", CELLS), classifier))
    counts = counts_of(results, classifier, {})
    model = {"model": classifier.model_name, "model_sha256": classifier.backend.model_sha256,
             "rule": classifier.rule, "sources": ("slide",)}
    cases = {name: Case(CaseFacts(sample_id=name, operator="Dee"), **model)
             for name in ("S-OPEN", "S-SIGNED")}
    with Register(data_folder) as register:
        for case in cases.values():
            register.save(case, case.result(counts), cells=results)
        cases["S-SIGNED"].sign("Dee", counts, at=AT)
        register.save(cases["S-SIGNED"])
    return cases


def shown_while_off(make_window, qtbot, data_folder: Path, tmp_path: Path, monkeypatch,
                    sample_id: str):
    """A window whose autosave is off as its data folder cannot be made (a file stands where
    its parent goes), showing case ``sample_id`` read-only as the register of ``data_folder``
    holds it (a window shows a register's case through ``PastCaseView.read``); the window,
    and what makes ``data_folder`` its data folder, as a share mounted again would."""
    cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    assert window.autosave.start.tries_again
    past_case = window.past_case
    with Register(data_folder, view=True) as register:
        uid = next(case.uid for case in register.cases() if case.facts.sample_id == sample_id)
        past_case.read(register, uid, lambda read: past_case.show(*read), pytest.fail)
        qtbot.waitUntil(lambda: past_case.shown is not None, timeout=WAIT_MS)
    assert not window.controls.isEnabled()
    return window, lambda: monkeypatch.setenv(DATA_DIR_ENV, str(data_folder))


def autosave_on(window, qtbot) -> None:
    with qtbot.waitSignal(window.autosave.on, timeout=WAIT_MS):
        window.autosave.start.again.start(0)  # the time is up: the real timer runs out


def test_an_open_case_shown_read_only_while_autosave_was_off_is_finished_once_it_is_on(
        make_window, qtbot, data_folder, tmp_path, filed, monkeypatch):
    """Shown read-only as the window did not autosave, an open case stayed read-only once
    autosave came on, until the technician opened it again from the register."""
    window, free = shown_while_off(make_window, qtbot, data_folder, tmp_path,
                                   monkeypatch, "S-OPEN")
    said = notes(window, monkeypatch)
    free()
    autosave_on(window, qtbot)
    qtbot.waitUntil(lambda: window.past_case.shown is None, timeout=WAIT_MS)
    assert window.controls.isEnabled() and window.batch.case.uid == filed["S-OPEN"].uid
    assert len(window.batch) == CELLS
    assert "Case S-OPEN can be finished here now that autosave is on" in said
    review(window, 2)
    qtbot.waitUntil(lambda: stored(data_folder)["S-OPEN"] == ("open", CELLS, 1),
                    timeout=WAIT_MS)


def test_an_open_case_the_register_refuses_stays_read_only_saying_why(
        make_window, qtbot, data_folder, tmp_path, filed, monkeypatch):
    window, free = shown_while_off(make_window, qtbot, data_folder, tmp_path,
                                   monkeypatch, "S-OPEN")
    shown = window.past_case.shown
    load = Register.load

    def changed_after_the_read(register, uid: str):
        read = load(register, uid)
        monkeypatch.setattr(Register, "load", load)
        add_review_elsewhere(data_folder, "S-OPEN")  # another program saves to it meanwhile
        return read

    monkeypatch.setattr(Register, "load", changed_after_the_read)
    said = notes(window, monkeypatch)
    free()
    autosave_on(window, qtbot)
    refused = f"Case S-OPEN not opened: {CHANGED}"
    qtbot.waitUntil(lambda: refused in said, timeout=WAIT_MS)
    assert window.past_case.shown is shown and not window.controls.isEnabled()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder)["S-OPEN"] == ("open", CELLS, 1)  # the other program's review


def test_a_signed_case_on_show_stays_as_it_is_when_autosave_comes_on(
        make_window, qtbot, data_folder, tmp_path, filed, monkeypatch):
    window, free = shown_while_off(make_window, qtbot, data_folder, tmp_path,
                                   monkeypatch, "S-SIGNED")
    shown = window.past_case.shown
    free()
    autosave_on(window, qtbot)
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert window.past_case.shown is shown and not window.controls.isEnabled()
    assert window.case.signed and stored(data_folder)["S-SIGNED"] == ("signed", CELLS, 0)


def test_another_case_asked_for_as_autosave_comes_on_opens_in_place_of_the_one_on_show(
        make_window, qtbot, data_folder, tmp_path, filed, monkeypatch):
    """S-OPEN, on show read-only, was read again as autosave came on; the technician asked
    for S-SIGNED meanwhile, yet the answer about S-OPEN, come first, took it into the
    window."""
    window, free = shown_while_off(make_window, qtbot, data_folder, tmp_path,
                                   monkeypatch, "S-OPEN")
    asked = threading.Event()
    load = Register.load

    def read_once_another_is_asked(register, uid: str):
        if uid == filed["S-OPEN"].uid:
            asked.wait()
        return load(register, uid)

    monkeypatch.setattr(Register, "load", read_once_another_is_asked)
    said = notes(window, monkeypatch)
    asked_to_drop: list[str] = []
    monkeypatch.setattr(case_dialogs, "ask_drop_case",
                        lambda _, doing, name, *__, **___: asked_to_drop.append(name))
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(1)  # one worker at a time: S-OPEN's answer comes first
    try:
        free()
        autosave_on(window, qtbot)
        past_case = window.past_case
        past_case.read(window.autosave.register, filed["S-SIGNED"].uid,
                       lambda read: past_case.show(*read), pytest.fail)
        asked.set()
        qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    finally:
        asked.set()
        pool.setMaxThreadCount(threads)
    assert not asked_to_drop  # S-OPEN was never the technician's to keep or drop
    assert past_case.shown is not None and past_case.shown.case.uid == filed["S-SIGNED"].uid
    assert not any("S-OPEN can be finished" in text for text in said)
    assert window.batch.case.uid != filed["S-OPEN"].uid
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder)["S-OPEN"] == ("open", CELLS, 0)
