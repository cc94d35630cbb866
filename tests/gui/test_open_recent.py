"""File > Open recent: what it offers, a folder it lists that has gone since, and the looks
at the disk a folder opened takes, made in workers only: a folder on a network share that
hangs keeps a worker waiting, never the window."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from malariascope.gui import settings
from tests.gui.helpers import SCREEN_TIMEOUT_MS, screen_and_wait, wait_for_box
from tests.images import make_cell_folder

HOLD_S = 30  # a look held longer counts as let go: the test fails, it does not hang


def recent_names(window) -> list[str]:
    return [action.text() for action in window.actions.recent_menu.actions()]


class DiskLooks:
    """Records the threads that look at ``folder`` or in it through ``os.stat``, ``os.lstat``
    or ``os.scandir`` (every look of Python's ``os.path`` and ``pathlib`` goes through them),
    and holds each look a worker makes there until :meth:`let_go`, as a network share that
    hangs would; a look on the UI thread is recorded, not held."""

    def __init__(self, monkeypatch, folder: Path) -> None:
        self.folder, self.threads = str(folder), []
        self.held, self._gone = threading.Event(), threading.Event()
        for name in ("stat", "lstat", "scandir"):
            monkeypatch.setattr(os, name, self._watched(getattr(os, name)))

    def _watched(self, look):
        def watched(path=".", *args, **kwargs):
            name = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
            if name == self.folder or name.startswith(self.folder + os.sep):
                self.threads.append(threading.current_thread())
                if threading.current_thread() is not threading.main_thread():
                    self.held.set()
                    self._gone.wait(HOLD_S)
            return look(path, *args, **kwargs)

        return watched

    def let_go(self) -> None:
        self._gone.set()

    @property
    def on_the_ui_thread(self) -> bool:
        return threading.main_thread() in self.threads


def screened(window) -> bool:
    return not window.controller.screening and len(window.batch) > 0


def test_a_recent_folder_moved_since_is_said_and_adds_no_error_row(window, qtbot, tmp_path):
    """Picking a recent folder moved since added a row "no such file or folder" to the case
    that nothing could take away, and the errors tile and the signed result's limits
    counted it."""
    kept = make_cell_folder(tmp_path / "kept", 2)[0].parent
    moved = make_cell_folder(tmp_path / "moved", 2)[0].parent
    screen_and_wait(window, qtbot, [moved])
    screen_and_wait(window, qtbot, [kept])
    rows = [(result.path, result.ok) for result in window.batch.results]
    moved.rename(tmp_path / "elsewhere")
    assert recent_names(window) == [str(kept.resolve()), str(moved.resolve())]
    window.actions.recent_menu.actions()[1].trigger()
    box = wait_for_box(qtbot, window, "Folder not found")
    assert f"Folder not found: {moved.resolve()}" in box.text()
    assert [(result.path, result.ok) for result in window.batch.results] == rows
    assert not window.controller.screening
    assert recent_names(window) == [str(kept.resolve())]
    assert settings.recent_folders() == [kept.resolve()]


def test_a_recent_folder_is_looked_for_in_a_worker_while_the_window_answers(
        window, qtbot, tmp_path, monkeypatch):
    """The UI thread looked whether the folder picked was there: on a share that hangs, the
    window hung with it."""
    folder = make_cell_folder(tmp_path / "share", 2)[0].parent.resolve()
    screen_and_wait(window, qtbot, [folder])
    assert window.case_flow.new_case(ask=False)
    looks = DiskLooks(monkeypatch, folder)
    try:
        window.actions.recent_menu.actions()[0].trigger()
        qtbot.waitUntil(looks.held.is_set)
        qtbot.waitUntil(lambda: window.status.currentMessage() == f"Looking for {folder}…")
        assert len(window.batch) == 0 and not window.controller.screening
    finally:
        looks.let_go()
    qtbot.waitUntil(lambda: screened(window), timeout=SCREEN_TIMEOUT_MS)
    assert len(window.batch) == 2 and not looks.on_the_ui_thread


def test_a_folder_given_to_the_window_is_looked_at_in_workers_only(window, qtbot, tmp_path,
                                                                   monkeypatch):
    """As dropped on the window or named on the command line (``malariascope gui PATH``):
    the UI thread looked whether each path was a folder, for Open recent and to name the
    rows, before any worker did."""
    folder = make_cell_folder(tmp_path / "share", 2)[0].parent.resolve()
    looks = DiskLooks(monkeypatch, folder)
    try:
        assert window.open_paths([folder])
        qtbot.waitUntil(looks.held.is_set)
        assert window.controller.screening and len(window.batch) == 0
    finally:
        looks.let_go()
    qtbot.waitUntil(lambda: screened(window), timeout=SCREEN_TIMEOUT_MS)
    assert len(window.batch) == 2 and not looks.on_the_ui_thread
    assert recent_names(window) == [str(folder)]
    assert window.batch.folder == folder  # its rows named from it, as before


def test_only_folders_that_add_images_to_the_case_go_into_open_recent(window, qtbot,
                                                                      tmp_path):
    """An empty folder, or one of no images, went into Open recent as any folder opened."""
    empty, notes = tmp_path / "empty", tmp_path / "notes"
    empty.mkdir()
    notes.mkdir()
    (notes / "read me.txt").write_text("no cells here", encoding="utf-8")
    cells = make_cell_folder(tmp_path / "cells", 2)[0].parent
    screen_and_wait(window, qtbot, [cells])
    screen_and_wait(window, qtbot, [empty])
    screen_and_wait(window, qtbot, [notes, empty])
    assert recent_names(window) == [str(cells.resolve())]
    assert settings.recent_folders() == [cells.resolve()]


def test_a_recent_folder_picked_while_another_is_looked_for_is_opened_in_its_place(
        window, qtbot, tmp_path, monkeypatch):
    slow = make_cell_folder(tmp_path / "slow", 2)[0].parent.resolve()
    wanted = make_cell_folder(tmp_path / "wanted", 3)[0].parent.resolve()
    screen_and_wait(window, qtbot, [slow])
    screen_and_wait(window, qtbot, [wanted])
    assert window.case_flow.new_case(ask=False)
    looks = DiskLooks(monkeypatch, slow)
    try:
        window.recent.pick(str(slow))
        qtbot.waitUntil(looks.held.is_set)
        window.recent.pick(str(wanted))
    finally:
        looks.let_go()
    qtbot.waitUntil(lambda: screened(window), timeout=SCREEN_TIMEOUT_MS)
    assert window.batch.facts.sources == ("wanted",) and len(window.batch) == 3


def test_a_window_that_persists_no_settings_forgets_a_recent_folder_in_its_menu_only(
        qtbot, tmp_path):
    """A folder moved since, picked in a window that keeps no settings (a smoke test), was
    taken out of the technician's settings all the same."""
    from malariascope.gui.main_window import MainWindow
    from tests.gui.helpers import close_window

    kept = make_cell_folder(tmp_path / "kept", 2)[0].parent.resolve()
    moved = make_cell_folder(tmp_path / "moved", 2)[0].parent.resolve()
    settings.add_recent_folder(kept)
    settings.add_recent_folder(moved)
    moved.rename(tmp_path / "elsewhere")
    window = MainWindow(persist_settings=False)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert recent_names(window) == [str(moved), str(kept)]
        window.actions.recent_menu.actions()[0].trigger()
        wait_for_box(qtbot, window, "Folder not found")
        assert recent_names(window) == [str(kept)]
        assert settings.recent_folders() == [moved, kept]
    finally:
        close_window(window, qtbot)
        window.deleteLater()
