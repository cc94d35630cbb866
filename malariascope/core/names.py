"""Names of the images of a batch as a person reads them: natural order, and paths relative to
the folder that was opened, which tell apart two files of one name in different folders.

Standard library only: the window names its rows before numpy is imported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import TypeVar

_DIGITS = re.compile(r"(\d+)")
AnyPath = TypeVar("AnyPath", bound=PurePath)


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


def with_sources(sources: Sequence[str], paths: Iterable[Path]) -> tuple[str, ...]:
    """``sources``, then the names of ``paths`` (:func:`source_name`) not among them yet, in
    order: a batch's sources with what it opens next, or has still to screen."""
    return tuple(dict.fromkeys((*sources, *map(source_name, paths))))


def common_folder(paths: Iterable[str | os.PathLike[str]]) -> Path | None:
    """The folder that holds everything opened: a folder itself, a file's folder; the deepest
    folder all of them share when there are several (see :func:`shared_folder`)."""
    return shared_folder([_folder_of(path) for path in paths])


def _folder_of(path: str | os.PathLike[str]) -> Path:
    """``path`` itself if it is a folder, else the folder of the file; absolute."""
    path = os.path.abspath(path)
    return Path(path if os.path.isdir(path) else os.path.dirname(path))


def shared_folder(folders: Sequence[AnyPath]) -> AnyPath | None:
    """The deepest folder that holds all ``folders`` (absolute paths of one system), which may
    be a drive's root; None when there is none to share: no folders, or folders on different
    drives (``C:\\`` and ``D:\\``)."""
    if not folders:
        return None
    shared = folders[0]
    for folder in folders[1:]:
        while not folder.is_relative_to(shared):
            if shared == shared.parent:  # a root, and not this folder's
                return None
            shared = shared.parent
    return shared


def working_folder() -> str:
    """The working folder; "" when it has been deleted, which leaves a relative path as it is
    (it names nothing any more) and a full path unchanged."""
    try:
        return os.getcwd()
    except FileNotFoundError:
        return ""


def absolute(path: str | os.PathLike[str], working_folder: str) -> str:
    """``path`` made absolute from ``working_folder``, as ``os.path.abspath`` does from the
    working folder of the moment. Read once, at the start, it still names the same place after
    that folder is deleted, when the working folder can no longer be asked for."""
    return os.path.normpath(os.path.join(working_folder, path))


def relative_name(path: Path, folder: Path | None) -> str:
    """``path`` as seen from ``folder`` (``parasitized/cell_12.png``); its name alone when it is
    not inside ``folder``. From a drive's root (``/``, ``C:\\``), or from no folder (paths on
    several drives), it is the whole path: ``tmp/slide/a.png`` would read as a relative path
    that does not exist."""
    full = Path(os.path.abspath(path))
    if folder is None or folder == folder.parent:
        return str(full)
    try:
        return full.relative_to(folder).as_posix()
    except ValueError:
        return path.name


class GivenNames:
    """Names of the files found in paths given on a command line, as the window names the
    rows of a folder it opened: relative to the folder given (to the one the folders given
    share, when several); a file given by itself keeps the path it was given as, and so
    does a folder's file whose name from the folder is spelled as a file given by itself
    (``x.png`` given beside a folder holding another ``x.png``): no two files share a name."""

    def __init__(self, given: Iterable[str | os.PathLike[str]]) -> None:
        paths = [Path(path) for path in given]
        self._working_folder = working_folder()
        self._spelled = {str(path) for path in paths if not path.is_dir()}
        self._files = {self._absolute(path) for path in paths if not path.is_dir()}
        self._folder = shared_folder(
            [Path(self._absolute(path)) for path in paths if path.is_dir()]
        )

    def __call__(self, path: Path) -> str:
        full = self._absolute(path)
        if (
            self._folder is None
            or full in self._files
            or not Path(full).is_relative_to(self._folder)
        ):
            return str(path)
        name = relative_name(Path(full), self._folder)
        return str(path) if name in self._spelled else name

    def _absolute(self, path: str | os.PathLike[str]) -> str:
        return absolute(path, self._working_folder)
