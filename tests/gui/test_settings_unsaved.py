"""A settings folder that cannot be written (mounted read-only, a full disk): the window says
once, in the status bar, that the settings cannot be saved and where, and again at Quit."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from tests.gui.helpers import answer_next_dialog


def test_a_lab_typed_where_settings_cannot_be_saved_is_said_to_be_lost(make_window, qtbot,
                                                                         tmp_path):
    """The lab typed was dropped at Quit without a word, and the next start had none."""
    (tmp_path / "a file").write_text("not a folder")  # no settings file can be made under it
    folder = tmp_path / "a file" / "settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    window = make_window(start=False)
    qtbot.keyClicks(window.case_panel.lab, "Lab Kisumu")
    qtbot.waitUntil(lambda: "Settings cannot be saved" in window.status.currentMessage(),
                    timeout=10_000)  # the lab's facts are remembered a moment after typing
    assert str(folder) in window.status.currentMessage()
    window.status.clearMessage()
    qtbot.keyClicks(window.case_panel.lab, ", Kenya")
    with qtbot.waitSignal(window.case_panel.settings_unsaved, timeout=10_000):
        pass
    assert window.status.currentMessage() == ""  # said once
    told: list[str] = []
    answer_next_dialog(window, lambda box: (told.append(f"{box.windowTitle()}: {box.text()}"),
                                            box.button(QMessageBox.StandardButton.Ok).click()))
    assert window.close()
    assert len(told) == 1 and told[0].startswith("Settings not saved: Settings cannot be saved")
    assert str(folder) in told[0].replace("\u200b", "")
