"""Help > Show data folder: where the saved work lives, which outlasts an uninstall."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QStandardPaths, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox


class OpenedUrls(QObject):
    """Takes the URLs the app asks the desktop to open, instead of a file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_help_names_the_data_folder_and_opens_it(make_window, data_folder, qtbot):
    window = make_window(start=False)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    action = next(a for a in help_menu.actions() if a.text() == "Show &data folder…")
    opened = OpenedUrls()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        action.trigger()
        box = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible())
        assert str(data_folder) in box.text() and "uninstalled" in box.text()
        next(b for b in box.buttons() if b.text() == "&Open folder").click()
        qtbot.waitUntil(lambda: bool(opened.urls))
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert Path(opened.urls[0].toLocalFile()) == data_folder


@pytest.mark.parametrize("xdg_data_home", ["absolute", "relative/data", ""])
def test_the_command_line_finds_the_data_folder_qt_gives_the_window(tmp_path, monkeypatch,
                                                                    xdg_data_home):
    from malariascope.core.datadir import DATA_DIR_ENV, data_dir
    from malariascope.gui.app import create_app

    create_app()  # names the application, as the window's start does
    monkeypatch.delenv(DATA_DIR_ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    given = str(tmp_path / "xdg") if xdg_data_home == "absolute" else xdg_data_home
    monkeypatch.setenv("XDG_DATA_HOME", given)
    location = QStandardPaths.StandardLocation.AppDataLocation
    assert data_dir() == Path(QStandardPaths.writableLocation(location))
    assert data_dir().parts[-2:] == ("MalariaScope", "MalariaScope")
