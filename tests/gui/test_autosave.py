"""Work is never lost: the real app, killed mid-review, comes back exactly as it was; a
damaged register is told, kept aside, and the app opens."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from malariascope.core.classifier import PARASITIZED
from malariascope.core.register import FILE_NAME, CaseQuery, Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, close_window, screen_and_wait, wait_for_box
from tests.gui.session_child import REVIEWS, THRESHOLD, window_state
from tests.images import make_cell_folder, write_broken_files

ROOT = Path(__file__).resolve().parents[2]


WAIT_MS = 60_000


@pytest.fixture
def cells(tmp_path) -> Path:
    folder = tmp_path / "cells"
    make_cell_folder(folder, 14)
    write_broken_files(folder / "broken")
    return folder


def saved(data_folder: Path) -> Session | None:
    """The case in progress as the register holds it now (None: there is none)."""
    with Register(data_folder) as register:
        return CaseWork(register).load()


def first_line(child: subprocess.Popen, timeout: float) -> str:
    """The child's first line of output, without hanging if it never comes."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(child.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def run_child_until_saved(qtbot, cells: Path, data_folder: Path, home: Path,
                          save_every_ms: int | None = None) -> dict:
    """Start the real app on ``cells`` (its autosave delay ``save_every_ms`` when given), let
    it review, SIGKILL it once the reviews are on disk; returns what its window showed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MALARIASCOPE_DATA_DIR=str(data_folder),
               HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
    delay = [] if save_every_ms is None else [str(save_every_ms)]
    child = subprocess.Popen([sys.executable, "-m", "tests.gui.session_child", str(cells), *delay],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        line = first_line(child, timeout=120)
        assert line, f"the child app printed nothing: {child.poll()}"
        qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).reviewed == len(REVIEWS),
                        timeout=WAIT_MS)
        assert child.poll() is None, "the child app stopped by itself"
    finally:
        child.kill()  # SIGKILL: no clean-up runs
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return json.loads(line)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@pytest.mark.parametrize("save_every_ms", [None, 600_000], ids=["autosave", "reviews_at_once"])
def test_a_killed_app_comes_back_exactly_as_it_was(make_window, qtbot, cells, data_folder,
                                                   tmp_path, save_every_ms):
    """With no save due for ten minutes, the reviews alone save the batch: each review is
    written as it is pressed, so a kill a moment after the last one loses none."""
    shown = run_child_until_saved(qtbot, cells, data_folder, tmp_path / "home", save_every_ms)
    assert shown["threshold"] == THRESHOLD and shown["unsaved"]
    assert sum(bool(review) for review in shown["reviews"]) == len(REVIEWS)
    window = make_window(start=False)
    window.autosave.resume()
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert "S-104" in box.text()
    assert "14 cells, 4 errors, 4 reviewed" in box.text()  # as the window counts them
    click(box, "Restore")
    assert window_state(window) == shown
    assert window.windowTitle() == "MalariaScope — case S-104 (restored)[*]"
    with qtbot.waitSignal(window.controller.model_ready, timeout=WAIT_MS):
        window.start()  # a model loaded after the restore keeps the restored threshold
    assert window_state(window) == shown
    assert window.controller.classifier is not None and window.autosave.work is not None
    close_window(window, qtbot)
    assert saved(data_folder) is None  # closed on purpose: nothing to offer next time
    with Register(data_folder) as register:
        assert register.cases() == []  # the open case was given up with the window


def test_discard_forgets_the_session_and_autosave_goes_on(make_window, qtbot, cells,
                                                          data_folder, left_session):
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Discard")
    assert len(window.batch) == 0
    qtbot.waitUntil(lambda: saved(data_folder) is None, timeout=WAIT_MS)  # deleted in a worker
    with Register(data_folder) as register:
        assert register.cases() == []
    screen_and_wait(window, qtbot, [cells])
    qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).results != [], timeout=WAIT_MS)
    assert [r.path for r in saved(data_folder).results] == [r.path for r in window.batch.results]


def test_a_batch_left_partial_says_so_after_a_restore(make_window, qtbot, data_folder,
                                                        left_session):
    """A batch cancelled, or stopped while screening, was restored looking complete."""
    with Register(data_folder) as register:
        work = CaseWork(register)
        session = work.load()
        session.complete = False
        work.save(session)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert "some images were not screened" in box.text()  # a session that did not count
    click(box, "Restore")
    assert window.windowTitle().endswith(" (restored, partial)[*]")
    window.table.select_source_row(len(window.batch) - 1)  # a cell, not reviewed yet
    window.review_current(PARASITIZED)
    qtbot.waitUntil(lambda: (saved(data_folder) or Session([])).reviewed == 3,
                    timeout=WAIT_MS)
    assert not saved(data_folder).complete, "saved again as partial"


def test_closing_the_question_keeps_the_work(make_window, qtbot, data_folder, left_session):
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not box.isVisible()
    assert len(window.batch) == len(left_session.results)
    assert window.batch.facts.rule.threshold == pytest.approx(0.25)
    assert window.batch.counts.reviewed == 2 and window.isWindowModified()


def test_work_that_cannot_be_read_back_is_explained_and_kept(make_window, qtbot, cells,
                                                             data_folder, left_session):
    with contextlib.closing(sqlite3.connect(data_folder / FILE_NAME)) as db, db:
        db.execute("UPDATE work SET state = substr(state, 1, 40)")
    window = make_window()
    start(window, [cells])  # the paths of the command line still open
    box = wait_for_box(qtbot, window, "Unsaved work not restored")
    assert "could not be read back" in box.text() and "truncated" in box.text()
    assert "Traceback" not in box.text() and "stays in the case register" in box.text()
    box.close()
    qtbot.waitUntil(lambda: len(window.batch) == 18 and not window.controller.screening,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len((saved(data_folder) or Session([])).results) == 18,
                    timeout=WAIT_MS)
    with Register(data_folder) as register:  # the case left is kept, open, for a bug report
        assert [case.facts.sample_id for case in register.cases(CaseQuery(sample="S-9"))] == [
            "S-9"]


@pytest.mark.parametrize(("damage", "words"), [
    (lambda path: path.write_bytes(b"a page of a spreadsheet " * 100), "not a SQLite database"),
    (lambda path: path.write_bytes(path.read_bytes()[:path.stat().st_size // 2]), "truncated"),
])


def test_a_damaged_register_is_told_kept_aside_and_the_app_opens(
        make_window, qtbot, cells, data_folder, left_session, damage, words):
    assert not (data_folder / f"{FILE_NAME}-wal").exists()  # all of it is in the file
    damage(data_folder / FILE_NAME)
    damaged = (data_folder / FILE_NAME).read_bytes()
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window, [cells])
    box = wait_for_box(qtbot, window, "Case register set aside")
    (aside,) = data_folder.glob("cases-*.sqlite")
    assert words in box.text() and str(aside) in box.text() and "Traceback" not in box.text()
    assert f'`malariascope cases recover "{aside}"` copies the cases it can' in box.text()
    assert aside.read_bytes() == damaged
    assert not [other for other in window.findChildren(QMessageBox)
                if other.isVisible() and other is not box]  # one message, no restore offer
    box.close()
    qtbot.waitUntil(lambda: len(window.batch) == 18 and not window.controller.screening,
                    timeout=WAIT_MS)  # the paths of the command line open
    qtbot.waitUntil(lambda: len((saved(data_folder) or Session([])).results) == 18,
                    timeout=WAIT_MS)  # the new register takes the new work
    assert aside.read_bytes() == damaged


def test_a_register_out_of_reach_turns_autosave_off_and_the_app_works_on(make_window, qtbot,
                                                                        cells, data_folder):
    (data_folder / FILE_NAME).mkdir()  # a folder where the register file should be
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window, [cells])
    qtbot.waitUntil(lambda: len(window.batch) == 18 and not window.controller.screening,
                    timeout=WAIT_MS)
    assert window.autosave.work is None
    assert window.status.autosave_label.toolTip().startswith("Autosave is off: cannot read")
    assert (data_folder / FILE_NAME).is_dir()  # left as it is


def test_a_crashed_amendment_is_offered_back_and_cannot_be_discarded(make_window, qtbot,
                                                                      data_folder, tmp_path):
    """Discard at the restore question left a once-signed case unsigned in the register for
    good, its amendment never offered again."""
    from malariascope.core.case import Case, CaseFacts
    from malariascope.core.classifier import Classifier
    from malariascope.core.facts import BatchFacts
    from malariascope.core.pipeline import screen
    from malariascope.core.tally import Counts

    classifier = Classifier.open()
    results = list(screen(make_cell_folder(tmp_path / "slide", 4), classifier))
    case = Case(CaseFacts(sample_id="S-AM"))
    case.sign("Ann", Counts(rows=4, uninfected=4))
    case.amend("a cell misread", "Ann")
    facts = BatchFacts.of(classifier, sample_id="S-AM")
    with Register(data_folder) as register:
        CaseWork(register).save(Session(results, facts, [], unsaved=True, case=case))
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    assert "being amended" in box.text()
    assert [button.text() for button in box.buttons()] == ["&Restore"]
    click(box, "Restore")
    assert window.case.case.amending and len(window.batch) == 4


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder where no file can be made, as on a full disk or a read-only drive: one without
    write permission, or for root (whom permissions do not stop) a folder of /proc."""
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
        return folder
    folder = Path("/proc/self/fdinfo")
    if not folder.is_dir():
        pytest.skip("no folder here refuses root's files")
    return folder


def test_a_data_folder_that_takes_no_file_says_why_autosave_is_off(make_window, qtbot, cells,
                                                                    tmp_path, monkeypatch):
    """Autosave is off where the data folder's lock cannot be made at all (a full disk, a
    read-only folder), and the window says why, not that another window keeps its work."""
    folder = unwritable_folder(tmp_path)
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(folder))
    window = make_window(start=False)
    with qtbot.waitSignal(window.autosave.off, timeout=WAIT_MS) as off:
        start(window)
    assert off.args[0].startswith(f"cannot write in {folder}: ")
    assert window.autosave.work is None
    tip = window.status.autosave_label.toolTip()
    assert f"cannot write in {folder}" in tip and "another MalariaScope window" not in tip
    screen_and_wait(window, qtbot, [cells])  # the window works on
    assert len(window.batch) == 18 and list(folder.glob(".session.lock.*")) == []
