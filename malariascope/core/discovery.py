"""Turn the paths a user gave (files and folders) into image files, in natural order.

Folders are walked lazily (recursively by default) so a folder of 100,000 cells starts
streaming at once; symlinked folders are not followed, so a symlink loop cannot trap the walk.
Files without an image extension are counted as skipped, not read. Folders in ``exclude``
(where this batch writes its overlays) are not entered: the batch's own output is not input.
A file reached twice (given with its folder, or in a folder given with its parent) is read
once: its cells were counted twice, and a whole field's outlines drawn twice over. So it is
counted once among the skipped and the missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from malariascope.core.imageio import is_image_path

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> list:
    """Sort key putting ``cell_2`` before ``cell_10``."""
    return [int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(name)]


@dataclass
class Discovery:
    """Iterates image paths and counts what it skipped; iterate it once."""

    inputs: Iterable[str | os.PathLike[str]]
    recursive: bool = True
    skipped: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)  # absent, or folders that would not open
    exclude: Iterable[str | os.PathLike[str]] = ()
    _excluded: list[os.stat_result] = field(default_factory=list, init=False, repr=False)
    _skipped_seen: set[str] = field(default_factory=set, init=False, repr=False)
    _missing_seen: set[str] = field(default_factory=set, init=False, repr=False)

    def __iter__(self) -> Iterator[Path]:
        self._excluded = [os.stat(path) for path in self.exclude if os.path.isdir(path)]
        seen: set[str] = set()
        for path in self._found():
            if _first(path, seen):
                yield path

    def _found(self) -> Iterator[Path]:
        """Every image path the inputs name, repeats included."""
        for given in self.inputs:
            path = Path(given)
            if path.is_dir():
                yield from self._walk(path)
            elif path.exists() or path.is_symlink():
                yield path  # named explicitly: read it even without an image extension
            elif _first(path, self._missing_seen):
                self.missing.append(path)

    def _walk(self, folder: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: natural_key(e.name))
        except OSError:
            if _first(folder, self._missing_seen):
                self.missing.append(folder)
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if self.recursive and not self._is_excluded(path):
                    yield from self._walk(path)
            elif entry.is_dir():
                continue  # a symlink to a folder: not followed (loops)
            elif is_image_path(path) and entry.is_file():
                yield path
            elif _first(path, self._skipped_seen):
                self.skipped.append(path)

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


def _first(path: Path, seen: set[str]) -> bool:
    """True the first time ``path`` is met (however it was spelt), recording it in ``seen``."""
    key = os.path.normcase(os.path.abspath(path))  # string work only: no disk access
    if key in seen:
        return False
    seen.add(key)
    return True
