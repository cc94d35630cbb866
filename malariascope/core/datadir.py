"""The app's data folder (autosaved work, the case register), found without Qt.

The same folder as Qt's ``QStandardPaths.AppDataLocation`` for the organization and
application ``MalariaScope``, so the command line reads the register the window writes.
Standard library only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from malariascope.core.envpaths import named_path
from malariascope.core.errors import RegisterError

ORGANIZATION = APPLICATION = "MalariaScope"
DATA_DIR_ENV = "MALARIASCOPE_DATA_DIR"


def data_dir() -> Path:
    """The app's data folder; ``MALARIASCOPE_DATA_DIR`` overrides it (tests, a portable
    install)."""
    chosen = os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen)
    return _user_data_home() / ORGANIZATION / APPLICATION


def named_data_dir() -> Path | None:
    """The folder ``MALARIASCOPE_DATA_DIR`` names, None when it is unset; RegisterError,
    naming the variable, when no system call could take it (:func:`named_path`)."""
    return named_path(DATA_DIR_ENV, RegisterError, "the app's own data folder")


def check_data_dir(folder: Path) -> None:
    """RegisterError when ``folder`` is a file, or is named by ``MALARIASCOPE_DATA_DIR`` and
    does not exist: the variable set to the case register itself, not its folder, or to a
    mistyped folder would read as a folder without a register (no cases). The app's own
    folder not made yet (a fresh install) has no cases indeed. A variable naming no path
    the system could take is refused too (:func:`named_path`)."""
    named = named_data_dir()
    if folder.exists() and not folder.is_dir():
        raise RegisterError(f"the data folder {folder} is a file: {DATA_DIR_ENV} names the "
                            "folder that holds the case register, not a file")
    if named == folder and not folder.exists():
        raise RegisterError(f"the data folder {folder} that {DATA_DIR_ENV} names does not "
                            "exist: name the folder that holds the case register")


def _user_data_home() -> Path:
    """Where each system keeps programs' data for the user, as Qt finds it: the roaming
    AppData on Windows, Application Support on macOS, ``$XDG_DATA_HOME`` (when absolute)
    or ``~/.local/share`` elsewhere."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
