"""Names of the images of a batch as a person reads them: natural order, and paths relative to
the folder that was opened, which tell apart two files of one name in different folders.

Standard library only: the window names its rows before numpy is imported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> list:
    """Sort key putting ``cell_2`` before ``cell_10``."""
    return [int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(name)]


def path_key(relative: str) -> list:
    """Sort key of a relative path, folder by folder in natural order: the order in which a
    folder is walked (``core.discovery``)."""
    return [natural_key(part) for part in Path(relative).parts]


def source_name(path: Path) -> str:
    """How a batch's sources name a path opened: its name, or the whole path for a root
    (``/``, ``C:\\``), which has none."""
    return path.name or str(path)


def common_folder(paths: Iterable[str | os.PathLike[str]]) -> Path | None:
    """The folder that holds everything opened: a folder itself, a file's folder; the deepest
    folder all of them share when there are several. None when there is none to share (no
    paths, or paths on different drives)."""
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)))
               for p in paths]
    try:
        return Path(os.path.commonpath(folders)) if folders else None
    except ValueError:
        return None


def relative_name(path: Path, folder: Path | None) -> str:
    """``path`` as seen from ``folder`` (``parasitized/cell_12.png``); its name alone when it is
    not inside ``folder``."""
    if folder is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(folder).as_posix()
        except ValueError:
            pass
    return path.name
