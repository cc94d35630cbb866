"""File > Open recent: the folders that added images to a case lately, and a folder picked
there, looked for in a worker before it is screened (a folder on a network share that hangs
keeps the look waiting, never the window); one moved or renamed since is said so and leaves
the menu, and nothing reaches the case (a path gone during a batch is a row of it)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QMessageBox

from malariascope.gui import dialogs, settings
from malariascope.gui.workers import Worker


def looking_words(folder: str) -> str:
    """The status line while ``folder`` is looked for."""
    return f"Looking for {folder}…"


class OpenRecent(QObject):
    """The Open recent menu of ``window`` (MalariaScope's main window, whose actions,
    controller, status bar and ``open_paths`` it uses): it lists the folders the window's
    screenings add images from (kept between sessions unless the window persists no
    settings), and screens the one picked once a look in a worker finds it there."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._looking: str | None = None  # the folder a look is out for
        self._next: str | None = None  # picked while that look was out: looked for next
        window.actions.recent_menu.triggered.connect(lambda action: self.pick(action.data()))
        if window.persist_settings:
            window.controller.adding_from.connect(self._on_adding_from)

    def pick(self, folder: str) -> None:
        """Screen ``folder`` once it is found there; one look at a time, so looks stuck on a
        dead drive never fill the workers' pool: a folder picked meanwhile is looked for
        when that look answers, in its place."""
        if self._looking is not None:
            self._next = folder
            return
        self._looking = folder
        self._window.status.showMessage(looking_words(folder))
        worker = Worker(os.path.isdir, folder)
        worker.returned.connect(lambda there: self._answer(folder, there))
        self._window.controller.workers.start(worker)

    def _answer(self, folder: str, there: bool) -> None:
        self._looking = None
        self._window.status.withdraw(looking_words(folder))
        if self._next is not None:  # picked since: the technician wants that one now
            folder, self._next = self._next, None
            self.pick(folder)
        elif there:
            self._window.open_paths([folder])
        else:
            self._forget(folder)

    def _forget(self, folder: str) -> None:
        window = self._window
        if window.persist_settings:
            window.actions.update_recent(settings.forget_recent_folder(Path(folder)))
        else:  # the window keeps no settings: the folder leaves its menu alone
            window.actions.update_recent([Path(action.data()) for action in
                                          window.actions.recent_menu.actions()
                                          if action.data() != folder])
        dialogs.message(window, QMessageBox.Icon.Warning, "Folder not found",
                        f"Folder not found: {folder}\n\nIt was moved, renamed or is on a drive "
                        "not connected now; nothing was added to the case, and it is no "
                        "longer listed under Open recent.")

    def _on_adding_from(self, folders: list[Path]) -> None:
        """List ``folders`` first, the last one first: their images are in the case."""
        for folder in folders:
            settings.add_recent_folder(folder)
        self._window.actions.update_recent(settings.recent_folders())
