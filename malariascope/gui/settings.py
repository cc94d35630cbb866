"""Remembered between sessions: the recent folders, the folder reports go to and the model
chosen here; each widget saves its own state.

A widget with state to keep has ``save_settings(store)`` and ``restore_settings(store)``,
which the window calls on close and at start. Settings are read through :func:`app_settings`,
which honours ``QSettings.setDefaultFormat`` and ``QSettings.setPath`` so tests can point
every read and write at a temporary folder, and written through :func:`write_now`, which
tells :data:`WRITES` of a write that did not reach the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, QStandardPaths, Signal

from malariascope.core.datadir import APPLICATION, ORGANIZATION

MAX_RECENT = 8
MODEL_KEY = "model/folder"  # a model chosen in place of the bundled one
EXPORT_KEY = "export_dir"  # where the last report or register export was written
IMAGES_KEY = "last_dir"  # where images were last opened from


class SettingsWrites(QObject):
    """Tells of each settings write that did not reach its file."""

    unsaved = Signal(str)  # why the settings cannot be saved, and where


WRITES = SettingsWrites()  # the window's status bar listens


def app_settings() -> QSettings:
    """The user's settings for MalariaScope (format: ``QSettings.defaultFormat()``)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def write_now(store: QSettings) -> str:
    """Write what ``store`` holds to its file now: "" once written, else a line saying that
    the settings cannot be saved, and where (a settings folder that cannot be written),
    which :data:`WRITES` tells too."""
    store.sync()
    if store.status() == QSettings.Status.NoError:
        return ""
    unsaved = (f"Settings cannot be saved: {store.fileName()} cannot be written, so the "
               "lab's facts and the window's preferences are forgotten when MalariaScope "
               "closes")
    WRITES.unsaved.emit(unsaved)
    return unsaved


def _remember(key: str, value: object) -> None:
    """Keep ``value`` under ``key`` now; None takes ``key`` out."""
    store = app_settings()
    if value is None:
        store.remove(key)
    else:
        store.setValue(key, value)
    write_now(store)


def restore_state(store: QSettings, key: str, restore: Callable[[QByteArray], bool]) -> bool:
    """Give the saved Qt state of ``key`` (geometry, splitter sizes) to ``restore``; False
    when there is none or Qt refused it, so the caller sets a default."""
    value = store.value(key)
    return isinstance(value, QByteArray) and restore(value)


def recent_folders() -> list[Path]:
    """Folders that added images to a case lately, newest first, as they were when they did:
    whether one is still there is looked at in a worker when it is picked (a network share
    can keep that look waiting), never here."""
    value = app_settings().value("recent_folders", [])
    names = [value] if isinstance(value, str) else list(value or [])
    return [Path(name) for name in names]


def add_recent_folder(folder: Path) -> list[Path]:
    """Put ``folder`` (a real path, found in a worker) first in the recent list; returns the
    new list."""
    return _keep_recent([folder, *(f for f in recent_folders() if f != folder)])


def forget_recent_folder(folder: Path) -> list[Path]:
    """Take ``folder`` out of the recent list (it is gone); returns the new list."""
    return _keep_recent([f for f in recent_folders() if f != folder])


def _keep_recent(folders: list[Path]) -> list[Path]:
    _remember("recent_folders", [str(f) for f in folders[:MAX_RECENT]])
    return folders[:MAX_RECENT]


def _remembered_folder(key: str) -> Path | None:
    """The folder kept under ``key``, while it still exists (a share may be gone)."""
    last = Path(str(app_settings().value(key, "")))
    return last if last.is_absolute() and last.is_dir() else None


def images_folder() -> Path:
    """The folder images were last opened from (home before any, or once it is gone)."""
    return _remembered_folder(IMAGES_KEY) or Path.home()


def remember_images_folder(folder: Path) -> None:
    """Offer the next images, and a lab's reviewed cells, from ``folder``."""
    _remember(IMAGES_KEY, str(folder))


def export_folder() -> Path:
    """The folder an export is offered in: where the last one was written, else the user's
    Documents (home when there is none). Never the images' folder, which is often a
    microscope's share or a read-only archive, where reports would mix with the data."""
    if last := _remembered_folder(EXPORT_KEY):
        return last
    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_export_folder(written: Path) -> None:
    """Offer the next export where ``written`` went: never where one failed."""
    _remember(EXPORT_KEY, str(Path(written).parent))


def chosen_model() -> Path | None:
    """The model folder chosen in place of the bundled one (an adapted model), if any."""
    value = app_settings().value(MODEL_KEY, "")
    return Path(value) if isinstance(value, str) and value else None


def choose_model(folder: Path | None) -> None:
    """Screen with the model in ``folder`` from now on; None returns to the bundled model."""
    _remember(MODEL_KEY, None if folder is None else str(Path(folder).resolve()))
