"""A case signed while autosave is off is saved by the window itself, in a worker which also
asks whether another window keeps its work in the data folder; autosave coming on while that
save runs joins once it is done, so the case is saved once, signed once, and the window says
it is saved."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from malariascope.core.register import CaseQuery, Register
from malariascope.gui import autosave, case_saving
from malariascope.gui.app import start
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_autosave_back import CELLS, cannot_be_made, cells, off_at_start  # noqa: F401

SAFETY_S = 10  # a held save goes on by then whatever happens, so no test hangs


def boxes(window, title: str) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox)
            if box.isVisible() and box.windowTitle() == title]


def test_a_case_signed_as_autosave_comes_on_is_saved_once_and_said_saved(
        make_window, qtbot, cells, tmp_path, monkeypatch):  # noqa: F811
    """Autosave came on (its 30 s retry, or Try now) while Sign's own save of the case ran:
    autosave saved the signed case too, from the register as it found it before either
    wrote, and the one that wrote second was refused as a change to a signed case. The
    window said "Not saved to the register" of a case the register held signed."""
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    qtbot.keyClicks(window.case_panel.sample_id, "S-OFF")
    folder: Path = fix()
    signing, reached, gate = threading.local(), threading.Event(), threading.Event()
    writers: list[str] = []
    save_case, store = case_saving.save_case, Register.save

    def sign_save(*args, **kwargs) -> int:
        signing.on = True
        try:
            return save_case(*args, **kwargs)
        finally:
            signing.on = False

    def held_store(register, *args, **kwargs) -> int:
        writer = "sign" if getattr(signing, "on", False) else "autosave"
        writers.append(writer)
        if writer == "sign":  # its copy of the register read: held before it writes
            reached.set()
            gate.wait(SAFETY_S)
        try:
            return store(register, *args, **kwargs)
        finally:
            writers.append(f"{writer} done")

    monkeypatch.setattr(case_saving, "save_case", sign_save)
    monkeypatch.setattr(Register, "save", held_store)
    saved: list[str] = []
    window.case_flow.saved.connect(saved.append)
    try:
        assert window.case_flow.sign("Ann")
        assert reached.wait(SAFETY_S)
        with qtbot.waitSignal(window.autosave.start.joined, timeout=WAIT_MS):
            window.autosave.start.again.start(0)  # the time is up: the real timer runs out
        qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: bool(saved or boxes(window, "Not saved to the register"))
                    and window.autosave.register is not None and writes_done(window)
                    and len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert boxes(window, "Not saved to the register") == []
    assert saved == [window.batch.case.uid]
    assert writers[:2] == ["sign", "sign done"]  # autosave's saves came after
    assert not window.isWindowModified()
    with Register(folder) as register:
        (summary,) = register.cases(CaseQuery())
        assert (summary.uid, summary.status, summary.rows) == (
            window.batch.case.uid, "signed", CELLS)
        stored = register.load(summary.uid)
        assert stored.case.signed.signature.name == "Ann"
        assert len(stored.reviews) == len(window.batch.history)


def test_sign_with_autosave_off_asks_whether_another_window_works_off_the_ui_thread(
        make_window, qtbot, cells, data_folder, monkeypatch):  # noqa: F811
    """Sign with autosave off tried the data folder's lock (does another window keep its
    work there?) on the UI thread: a data folder on a network mount that hung froze the
    window at Sign. The case is saved as a guest's, another window holding the lock."""
    first = make_window(start=False)
    start(first)
    qtbot.waitUntil(lambda: first.autosave.register is not None, timeout=WAIT_MS)
    second = off_at_start(make_window, qtbot)
    screen_and_wait(second, qtbot, [cells])
    qtbot.keyClicks(second.case_panel.sample_id, "S-GUEST")
    asked: list[tuple[bool, threading.Thread]] = []
    guests: list[bool] = []
    held_elsewhere, store = autosave.held_elsewhere, Register.save

    def recorded(folder: Path, mine=None) -> bool:
        asked.append((held_elsewhere(folder, mine), threading.current_thread()))
        return asked[-1][0]

    def stored(register, *args, **kwargs) -> int:
        guests.append(kwargs.get("guest", False))
        return store(register, *args, **kwargs)

    monkeypatch.setattr(autosave, "held_elsewhere", recorded)
    monkeypatch.setattr(Register, "save", stored)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert second.case_flow.sign("Ann")
    assert [held for held, _ in asked] == [True] and guests == [True]
    assert threading.main_thread() not in {thread for _, thread in asked}
    assert not second.isWindowModified()
    with Register(data_folder, view=True) as register:
        (summary,) = register.cases(CaseQuery(sample="S-GUEST"))
        assert (summary.status, summary.rows) == ("signed", CELLS)
        assert register.load(summary.uid).case.signed.signature.name == "Ann"
