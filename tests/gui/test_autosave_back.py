"""Autosave, off because the data folder takes no file (it cannot be made, is read-only, its
disk is full), comes back on while the window works once the folder takes files again, and
saves the window's work at once; off because another window keeps its work there, it stays
off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from malariascope.core.classifier import PARASITIZED
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import CaseQuery, Register
from malariascope.core.register.database import FILE_NAME
from malariascope.core.session import Session
from malariascope.gui.app import start
from malariascope.gui.folder_lock import held_elsewhere
from tests.faults import no_room_for_folders
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    click,
    close_window,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.saving_faults import writes_done
from tests.gui.test_autosave import WAIT_MS, saved, unwritable_folder
from tests.images import make_cell_folder

CELLS = 6


def cannot_be_made(tmp_path: Path, monkeypatch) -> Callable[[], Path]:
    """Point the data folder where it cannot be made (a file stands where its parent should
    be); returns what makes it possible, and gives the folder."""
    blocker = tmp_path / "in-the-way"
    blocker.write_text("a file where the data folder's parent should be")
    monkeypatch.setenv(DATA_DIR_ENV, str(blocker / "data"))

    def fix() -> Path:
        blocker.unlink()
        return blocker / "data"

    return fix


def read_only(tmp_path: Path, monkeypatch) -> Callable[[], Path]:
    """Point the data folder at one that takes no file; returns what makes it writable, and
    gives the folder. Permissions do not stop root, so for root a folder of /proc stands
    for the read-only one and another folder, writable, for it made writable."""
    folder = unwritable_folder(tmp_path)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))

    def fix() -> Path:
        if folder.is_relative_to(tmp_path):
            folder.chmod(0o755)
            return folder
        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
        return tmp_path / "data"

    return fix


def register_cannot_be_opened(tmp_path: Path, monkeypatch) -> Callable[[], Path]:
    """Point the data folder at a register whose write-ahead log SQLite cannot make (a
    folder stands where it goes), as on a disk too full for it that still takes the lock
    file; returns what makes it possible, and gives the folder."""
    folder = tmp_path / "data"
    Register(folder).close()
    wal = folder / f"{FILE_NAME}-wal"
    wal.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))

    def fix() -> Path:
        wal.rmdir()
        return folder

    return fix


FAULTS = {"cannot be made": cannot_be_made, "read-only": read_only,
          "register cannot be opened": register_cannot_be_opened}


@pytest.fixture
def cells(tmp_path) -> Path:
    make_cell_folder(tmp_path / "cells", CELLS)
    return tmp_path / "cells"


def off_at_start(make_window, qtbot):
    """A window whose autosave went off as it started; it says it tries again."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.autosave.off, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.controller.classifier is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.autosave.register is None
    return window


@pytest.mark.parametrize("fault", FAULTS)
def test_autosave_off_for_a_folder_taking_no_file_comes_back_when_it_does(
        make_window, qtbot, cells, tmp_path, monkeypatch, fault):
    """The window never tried again: autosave stayed off until the app was restarted, the
    technician who freed space or fixed the folder not saved for the rest of the day."""
    fix = FAULTS[fault](tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    mark = window.status.autosave_label
    assert window.autosave.start.tries_again
    assert "Try now" in mark.text() and "tries again every 30 s" in mark.toolTip()
    screen_and_wait(window, qtbot, [cells])
    window.table.select_source_row(2)
    window.review_current(PARASITIZED)
    folder = fix()
    with qtbot.waitSignal(window.autosave.on, timeout=WAIT_MS):
        window.autosave.start.again.start(0)  # the time is up: the real timer runs out
    assert window.statusBar().currentMessage().startswith("Autosave is on again")
    assert not mark.isVisible() and window.autosave.register is not None
    qtbot.waitUntil(lambda: (saved(folder) or Session([])).reviewed == 1, timeout=WAIT_MS)
    session = saved(folder)
    assert len(session.results) == CELLS and session.case.uid == window.batch.case.uid


def test_try_now_on_the_mark_says_why_it_is_still_off_then_turns_autosave_on(
        make_window, qtbot, cells, tmp_path, monkeypatch):
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    mark = window.status.autosave_label
    with qtbot.waitSignal(window.autosave.off, timeout=WAIT_MS) as off:
        mark.linkActivated.emit("try")  # the folder still cannot be made
    assert off.args[0].startswith("cannot create") and window.autosave.start.tries_again
    folder = fix()
    with qtbot.waitSignal(window.autosave.on, timeout=WAIT_MS):
        mark.linkActivated.emit("try")
    qtbot.waitUntil(lambda: len((saved(folder) or Session([])).results) == CELLS,
                    timeout=WAIT_MS)


def test_a_case_signed_while_autosave_was_off_is_saved_once_when_it_comes_on(
        make_window, qtbot, cells, tmp_path, monkeypatch):
    """Signed and saved in the register while autosave was off, the case was saved again
    from its first cell as autosave came on: refused, as a signed case takes nothing new."""
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    qtbot.keyClicks(window.case_panel.sample_id, "S-OFF")
    folder = fix()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):  # by the window itself
        assert window.case_flow.sign("Ann")
    failed: list[str] = []
    window.autosave.failed.connect(failed.append)
    with qtbot.waitSignal(window.autosave.on, timeout=WAIT_MS):
        window.autosave.start.again.start(0)
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert failed == []
    with Register(folder) as register:
        (summary,) = register.cases(CaseQuery())
        assert (summary.uid, summary.status, summary.rows) == (
            window.batch.case.uid, "signed", CELLS)


def test_a_case_whose_signed_save_was_refused_is_saved_when_autosave_comes_on(
        make_window, qtbot, cells, tmp_path, monkeypatch):
    """Signed while the data folder could not be made, the case was told not saved; once
    autosave came on it was saved, but the window still held it unsaved: no pictures for a
    reprint, and leaving asked about a case the register held."""
    fix = cannot_be_made(tmp_path, monkeypatch)
    window = off_at_start(make_window, qtbot)
    screen_and_wait(window, qtbot, [cells])
    qtbot.keyClicks(window.case_panel.sample_id, "S-OFF")
    assert window.case_flow.sign("Ann")
    click(wait_for_box(qtbot, window, "Not saved to the register"), "OK")
    uid = window.batch.case.uid
    folder = fix()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS) as saved_case:
        window.autosave.start.again.start(0)
    assert saved_case.args == [uid] and not window.isWindowModified()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(folder) as register:
        (summary,) = register.cases(CaseQuery())
        assert (summary.uid, summary.status) == (uid, "signed")
        assert register.pictures(uid)  # the report's cells, for a reprint


def test_a_data_folder_on_a_full_disk_offers_no_other_location(make_window, qtbot, tmp_path,
                                                                monkeypatch):
    """The data folder is where the app keeps its work, not a place the technician picks:
    its full disk is told with what helps (free some space), and autosave tries again."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "full" / "data"))
    with no_room_for_folders(tmp_path / "full"):
        window = off_at_start(make_window, qtbot)
    reason = window.autosave.start.reason
    assert reason == (f"cannot create {tmp_path / 'full' / 'data'}: No space left on device "
                      "(the disk is full: free some space)")
    assert window.autosave.start.tries_again
    assert reason in window.status.autosave_label.toolTip()


def test_autosave_off_as_another_window_keeps_its_work_there_stays_off(
        make_window, qtbot, data_folder):
    first = make_window()
    first.autosave.resume()
    qtbot.waitUntil(lambda: first.autosave.register is not None, timeout=WAIT_MS)
    second = off_at_start(make_window, qtbot)
    assert not second.autosave.start.tries_again
    assert "Try now" not in second.status.autosave_label.text()
    close_window(first, qtbot)
    # the first window lets go of the folder in the thread pool, answering nothing
    qtbot.waitUntil(lambda: not held_elsewhere(data_folder), timeout=WAIT_MS)
    second.autosave.start.try_again()
    second.autosave.start.again.timeout.emit()
    assert not held_elsewhere(data_folder)  # the second window did not take the folder
    assert second.autosave.register is None and second.status.autosave_label.isVisible()
