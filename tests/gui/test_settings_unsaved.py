"""A settings folder that cannot be written (mounted read-only, a full disk): the window says
once, in the status bar, that the settings cannot be saved and where, at the first write that
fails, whatever it keeps (the lab's facts, Open recent's folders), and again at Quit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from malariascope.gui import settings
from tests.gui.helpers import SCREEN_TIMEOUT_MS, answer_next_dialog
from tests.images import make_cell_folder


def unwritable_settings(tmp_path: Path) -> Path:
    """Point the settings at a folder that cannot be made, so none can be written."""
    (tmp_path / "a file").write_text("not a folder")  # no settings file can be made under it
    folder = tmp_path / "a file" / "settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


def test_a_lab_typed_where_settings_cannot_be_saved_is_said_to_be_lost(make_window, qtbot,
                                                                         tmp_path):
    """The lab typed was dropped at Quit without a word, and the next start had none."""
    folder = unwritable_settings(tmp_path)
    window = make_window(start=False)
    qtbot.keyClicks(window.case_panel.lab, "Lab Kisumu")
    qtbot.waitUntil(lambda: "Settings cannot be saved" in window.status.currentMessage(),
                    timeout=10_000)  # the lab's facts are remembered a moment after typing
    assert str(folder) in window.status.currentMessage()
    window.status.clearMessage()
    qtbot.keyClicks(window.case_panel.lab, ", Kenya")
    with qtbot.waitSignal(settings.WRITES.unsaved, timeout=10_000):
        pass
    assert window.status.currentMessage() == ""  # said once
    told: list[str] = []
    answer_next_dialog(window, lambda box: (told.append(f"{box.windowTitle()}: {box.text()}"),
                                            box.button(QMessageBox.StandardButton.Ok).click()))
    assert window.close()
    assert len(told) == 1 and told[0].startswith("Settings not saved: Settings cannot be saved")
    assert str(folder) in told[0].replace("\u200b", "")


def test_a_recent_folder_kept_where_settings_cannot_be_saved_is_said_at_once(make_window,
                                                                              qtbot, tmp_path):
    """Open recent's folders were written unchecked: the folder they could not be written to
    was said at Quit only, though the technician's next start would list none of them."""
    folder = unwritable_settings(tmp_path)
    window = make_window()
    cells = tmp_path / "cells"
    make_cell_folder(cells, 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        with qtbot.waitSignal(window.controller.adding_from, timeout=SCREEN_TIMEOUT_MS):
            assert window.open_paths([str(cells)])
        said = window.status.currentMessage()  # as Open recent lists the folder
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))  # Quit, at teardown, asks nothing of it
    assert said.startswith("Settings cannot be saved") and str(folder) in said
