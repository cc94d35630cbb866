"""The app's file choosers: images or a folder to screen, and where a report goes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from malariascope.core.suffixes import IMAGE_SUFFIXES
from malariascope.gui.dialogs import Button
from malariascope.gui.settings import export_folder, images_folder, remember_images_folder

IMAGE_FILTER = f"Images ({' '.join(f'*{suffix}' for suffix in IMAGE_SUFFIXES)});;All files (*)"
#: What no file name may hold on Windows or macOS: a sample id such as "B/24/117" must not
#: turn the suggested report name into folders.
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def ask_images(parent: QWidget) -> list[str]:
    """Image files chosen by the user (several at once), remembering their folder."""
    files, _ = QFileDialog.getOpenFileNames(parent, "Open cell images", str(images_folder()),
                                            IMAGE_FILTER)
    if files:
        remember_images_folder(Path(files[0]).parent)
    return files


def ask_folder(parent: QWidget) -> list[str]:
    """The folder chosen by the user (screened recursively), or none."""
    folder = QFileDialog.getExistingDirectory(parent, "Open a folder of cells",
                                              str(images_folder()))
    if folder:
        remember_images_folder(Path(folder))
    return [folder] if folder else []


def ask_report_path(parent: QWidget, sample_id: str, suffix: str = ".csv",
                    title: str = "Export CSV report", name: str = "") -> tuple[Path, bool] | None:
    """Where to write the report (a ``suffix`` file) and whether replacing it was agreed;
    None if cancelled. The dialog offers ``name`` (the one a failed export was given), else
    the sample id's report name, in :func:`~malariascope.gui.settings.export_folder`.

    The save dialog itself asks before replacing the name typed; only when ``suffix`` is
    appended here do we have to ask again.
    """
    name = name or report_name(sample_id, dt.date.today(), suffix)
    start = export_folder() / name
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start),
                                            f"{suffix[1:].upper()} files (*{suffix})")
    if not chosen:
        return None
    path = Path(chosen)
    overwrite = path.exists()
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
        overwrite = path.exists() and QMessageBox.question(
            parent, title, f"{path.name} exists. Replace it?") == Button.Yes
        if path.exists() and not overwrite:
            return None
    return path, overwrite


def report_name(sample_id: str, day: dt.date, suffix: str = ".csv") -> str:
    """The report name offered: the sample id, made safe as a file name, and the day."""
    stem = _NOT_IN_FILE_NAMES.sub("-", sample_id).strip(" .") or "malariascope"
    return f"{stem}_{day:%Y-%m-%d}{suffix}"
