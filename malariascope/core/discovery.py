"""Turn the paths a user gave (files and folders) into image files, in natural order.

Folders are walked lazily (recursively by default) so a folder of 100,000 cells starts
streaming at once, depth first with a stack of its own, so that no nesting exhausts Python's
recursion limit. Symlinked folders inside a folder are not followed, so a symlink loop cannot
trap the walk; one whose folder the search did not reach otherwise is counted ``missing``
once the search is done, so that what it holds is not left out unsaid. Every entry with an
image extension that is not a folder is yielded, whatever it is (a FIFO, a dangling or looping
symlink, a symlink to a folder): reading it gives its error row, as when it is named on the
command line. Files without an image extension are counted as
skipped, not read. Folders in ``exclude`` (where this batch writes its overlays) are not
entered: the batch's own output is not input. Nor are the Grad-CAM overlays an earlier batch
wrote there (:func:`overlay_name`): they picture cells already screened. Hidden entries inside
a folder (named with a leading dot) are passed over too: they are the system's (a trash of
deleted images, macOS's ``._`` companion of each image) or a writer's lock and temporary files,
never the user's cells. Such entries are neither read nor counted; named explicitly, they are
read.

A file is known by its device and inode, so one reached twice (given with its folder, through
a symlinked folder, a file symlink or a hard link) is read once: its cells would otherwise be
counted twice. A folder reached twice is walked once, so its skipped files are counted once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from malariascope.core.imageio import is_image_path
from malariascope.core.names import absolute, natural_key, working_folder

Identity = tuple[int, int] | str  # (device, inode), or the absolute path where there is none


@dataclass
class Discovery:
    """Iterates image paths and counts what it found and skipped; iterate it once."""

    inputs: Iterable[str | os.PathLike[str]]
    recursive: bool = True
    skipped: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)  # absent, or folders that would not open
    exclude: Iterable[str | os.PathLike[str]] = ()
    found: int = field(default=0, init=False)  # paths yielded so far
    not_entered: int = field(default=0, init=False)  # subfolders passed over, not recursive
    _excluded: list[os.stat_result] = field(default_factory=list, init=False, repr=False)
    _linked: list[Path] = field(default_factory=list, init=False, repr=False)  # not followed
    _seen: set[Identity] = field(default_factory=set, init=False, repr=False)
    _working_folder: str = field(default_factory=working_folder, init=False, repr=False)

    def __iter__(self) -> Iterator[Path]:
        for path in self._search():
            self.found += 1
            yield path

    def _search(self) -> Iterator[Path]:
        self._excluded = [os.stat(path) for path in self.exclude if os.path.isdir(path)]
        for given in self.inputs:
            path = Path(given)
            if path.is_dir():
                yield from self._walk(path)
            elif path.exists() or path.is_symlink():
                if self._first(path):
                    yield path  # named explicitly: read it even without an image extension
            elif self._first(path):
                self.missing.append(path)
        self.missing += [link for link in self._linked if self._first(link)]

    def _walk(self, top: Path) -> Iterator[Path]:
        """The image paths under ``top``, depth first, each folder's entries in natural order."""
        if not self._first(top):
            return
        stack = [self._entries(top)]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            if is_hidden(entry.name) or is_overlay_name(entry.name):
                continue
            path = Path(entry.path)
            if _is_real_folder(entry):
                if not self.recursive:
                    self.not_entered += 1
                elif not self._is_excluded(path) and self._first(path):
                    stack.append(self._entries(path))
            elif is_image_path(path):
                if self._first(path):
                    yield path
            elif _links_to_folder(entry):
                if self.recursive:
                    self._linked.append(path)  # its folder may yet be reached: told at the end
                else:
                    self.not_entered += 1
            else:
                self.skipped.append(path)

    def _entries(self, folder: Path) -> Iterator[os.DirEntry]:
        """The entries of ``folder`` in natural order; none (and ``folder`` counted missing)
        when it will not open."""
        try:
            with os.scandir(folder) as entries:
                return iter(sorted(entries, key=lambda e: natural_key(e.name)))
        except OSError:
            self.missing.append(folder)
            return iter(())

    def _first(self, path: Path) -> bool:
        """True the first time the file or folder at ``path`` is met, however it was reached."""
        key = _identity(path, self._working_folder)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _is_excluded(self, folder: Path) -> bool:
        """True for a folder in ``exclude``, however it was spelt (stat compares the folder
        itself: a relative path, other case on Windows and macOS, a symlinked parent)."""
        if not self._excluded:
            return False
        try:
            here = os.stat(folder)
        except OSError:
            return False  # gone: the walk reports it
        return any(os.path.samestat(here, other) for other in self._excluded)


def why_missing(path: Path) -> str:
    """Why a path of ``Discovery.missing`` was not searched: a symlink to a folder that opens
    was one not followed (a symlinked folder given that would not open is missing too)."""
    if not path.exists():
        return "no such file or folder"
    try:
        os.scandir(path).close()
    except OSError:
        return "cannot read this folder"
    if path.is_symlink():
        return "a symlink to a folder, not followed inside a folder (name it to screen it)"
    return "cannot read this folder"


def overlay_name(stem: str, sha256: str, cell_index: int | None) -> str:
    """The name of a Grad-CAM overlay of a cell of the image named ``stem`` (its cell number
    ``cell_index`` in a field, None for a cell image) whose file hashes to ``sha256``."""
    number = f"_cell{cell_index}" if cell_index else ""
    return f"{stem}_{sha256[:8]}{number}_gradcam.png"


_OVERLAY = re.compile(r"_[0-9a-f]{8}(_cell[0-9]+)?_gradcam\.png$")  # what overlay_name ends with


def is_overlay_name(name: str) -> bool:
    """True for a file name :func:`overlay_name` gives."""
    return _OVERLAY.search(name) is not None


def is_hidden(name: str) -> bool:
    """True for a file or folder name that is hidden (a leading dot, as on Linux and macOS)."""
    return name.startswith(".")


def _identity(path: Path, working_folder: str) -> Identity:
    """The file's device and inode (through symlinks); its absolute path from
    ``working_folder`` when it has none (a dangling or looping symlink, a file system without
    inode numbers, a file gone with a deleted working folder)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        info = None
    if info is not None and info.st_ino:
        return info.st_dev, info.st_ino
    return os.path.normcase(absolute(path, working_folder))


def _is_real_folder(entry: os.DirEntry) -> bool:
    """True for a folder that is not a symlink."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _links_to_folder(entry: os.DirEntry) -> bool:
    """True for a symlink to a folder (not followed, and no file to skip)."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:  # a symlink loop
        return False
