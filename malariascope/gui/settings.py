"""Remembered between sessions: recent folders, window layout, overlay and mode preferences.

Settings are read through :func:`app_settings`, which honours ``QSettings.setDefaultFormat``
and ``QSettings.setPath`` so tests can point every read and write at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from malariascope.gui.main_window import MainWindow

ORGANIZATION = APPLICATION = "MalariaScope"
MAX_RECENT = 8


def app_settings() -> QSettings:
    """The user's settings for MalariaScope (format: ``QSettings.defaultFormat()``)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def recent_folders() -> list[Path]:
    """Folders opened lately, newest first, those that still exist."""
    value = app_settings().value("recent_folders", [])
    names = [value] if isinstance(value, str) else list(value or [])
    return [Path(name) for name in names if Path(name).is_dir()]


def add_recent_folder(folder: Path) -> list[Path]:
    """Put ``folder`` first in the recent list; returns the new list."""
    folder = Path(folder).resolve()
    folders = [folder] + [f for f in recent_folders() if f != folder]
    app_settings().setValue("recent_folders", [str(f) for f in folders[:MAX_RECENT]])
    return folders[:MAX_RECENT]


def restore_window(window: MainWindow) -> None:
    """Size, layout, overlay choice, operator and screening mode of the last session (defaults
    the first time)."""
    store = app_settings()
    geometry = store.value("window/geometry")
    if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        window.resize(1280, 800)
    state = store.value("window/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
    splitter = store.value("window/splitter")
    if not (isinstance(splitter, QByteArray) and window.central.splitter.restoreState(splitter)):
        window.central.splitter.setSizes([800, 460])  # the list gets the room; the cell stays large
    list_and_field = store.value("window/list_and_field")
    if isinstance(list_and_field, QByteArray):
        window.central.list_and_field.restoreState(list_and_field)
    window.detail.overlay_box.setChecked(store.value("overlay/on", True, type=bool))
    window.detail.opacity.setValue(store.value("overlay/opacity", 45, type=int))
    window.batch.set_operator(str(store.value("operator", "")))
    window.set_screen_mode(str(store.value("screen_mode", "auto")))


def save_window(window: MainWindow) -> None:
    """Remember what :func:`restore_window` restores."""
    store = app_settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
    store.setValue("window/splitter", window.central.splitter.saveState())
    store.setValue("window/list_and_field", window.central.list_and_field.saveState())
    store.setValue("overlay/on", window.detail.overlay_box.isChecked())
    store.setValue("overlay/opacity", window.detail.opacity.value())
    store.setValue("operator", window.batch.facts.operator)
    store.setValue("screen_mode", window.controller.mode)
    store.sync()
