"""How much of what was opened a batch holds: the paths opened, and the image files they held.

A batch whose screening was cut short (a cancel, a crash) holds only the files screened by
then; its report says so, and the files not screened can be found again and screened later.
Standard library only at import: the window holds one before numpy loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.jsonfields import build, expect, flag, integer, optional, pair, several, text
from malariascope.core.leftout import LeftOut
from malariascope.core.options import MODES

if TYPE_CHECKING:  # core.pipeline pulls in numpy
    from malariascope.core.pipeline import ScreeningResult

#: the cut-short input of work that does not name its inputs: no opening screens its rest
UNKNOWN_INPUTS = "(inputs not known)"


@dataclass(frozen=True)
class Extent:
    """The paths a batch was opened from, how they were searched, and the image files found
    there (0 while the search has not ended)."""

    inputs: tuple[str, ...] = ()  # files and folders as opened
    recursive: bool = True
    mode: str = "auto"
    files: int = 0
    #: inputs whose screening has not reached its end: running, or cut short and not opened
    #: again since
    cut_short: tuple[str, ...] = ()
    #: files found but left out as copies of files screened; None: not recorded (work saved
    #: before MalariaScope kept them), which is never told as none
    copies: LeftOut | None = LeftOut()
    #: the image files found but not screened, by cut-short input: their names relative to
    #: it, so that a search again tells which are gone; none, for work saved before
    #: MalariaScope kept them, leaves only their count (:meth:`gone_from`)
    unscreened: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def not_screened(self, results: Iterable[ScreeningResult]) -> int:
        """The image files found but without a row in ``results`` (whole files only)."""
        return max(0, self.files - len(screened_files(results)))

    def overlaps(self, paths: Iterable[object], resolve: bool = False) -> bool:
        """True when one of ``paths`` is one of the inputs, holds one or lies in one: its
        files may be among those found before. ``resolve``: see :func:`spelled`."""
        inputs = [spelled(name, resolve) for name in self.inputs]
        return any(path == known or path.is_relative_to(known) or known.is_relative_to(path)
                   for path in (spelled(name, resolve) for name in paths)
                   for known in inputs)

    def with_inputs(self, paths: Iterable[object], **changes: object) -> Extent:
        """This extent with ``paths`` among its inputs (each once, in order), and ``changes``."""
        return replace(self, inputs=tuple(dict.fromkeys((*self.inputs, *map(str, paths)))),
                       **changes)

    def cut_short_at(self, paths: Iterable[object]) -> Extent:
        """This extent with the screening of ``paths`` not (yet) at its end."""
        return replace(self, cut_short=tuple(dict.fromkeys((*self.cut_short, *map(str, paths)))))

    def screened_whole(self, paths: Iterable[object], gone: int = 0) -> Extent:
        """This extent with the screening of ``paths`` at its end; but they stay cut short
        while ``gone`` image files, found when they were cut short, were not found again
        (:meth:`gone_from`): never screened, those files keep the batch partial until they
        are back and screened, or its record is signed partial as it is."""
        if gone:
            return self.cut_short_at(paths)
        done = set(map(str, paths))
        return replace(self, cut_short=tuple(name for name in self.cut_short if name not in done))

    def opened_again(self, paths: Iterable[object], recursive: bool,
                     resolve: bool = False) -> Extent:
        """This extent without the cut-short inputs that ``paths`` search again whole: each
        one, or a folder holding it, searched ``recursive``ly (a search without subfolders
        may leave some of a cut-short folder's files out). ``resolve``: see :func:`spelled`."""
        searched = searched_again(paths, recursive, resolve)
        return replace(self, cut_short=tuple(n for n in self.cut_short if not searched(n)))

    def unscreened_paths(self, besides: Container[str] = ()) -> list[Path]:
        """The image files found but not screened, of the inputs not ``besides``."""
        return [Path(name) / relative for name, names in self.unscreened
                if name not in besides for relative in names]

    def gone_from(self, held: int, found: int) -> int:
        """How many of the image files found but not screened a search again of the inputs
        cut short did not find (moved or deleted): the batch holding ``held`` image files,
        the search finding ``found`` it does not hold. 0 while the files were not counted."""
        return max(0, self.files - held - found)

    @property
    def rest(self) -> tuple[str, ...]:
        """The cut-short inputs whose rest can be screened (named ones, see :func:`named`)."""
        return tuple(name for name in self.cut_short if named(name))

    def as_saved(self, complete: bool) -> Extent:
        """This extent of work saved ``complete`` or not: complete work has no input cut
        short; work cut short that does not say which inputs were counts them all, or
        :data:`UNKNOWN_INPUTS` when none are named (a case of the register keeps no inputs)."""
        if complete:
            return replace(self, cut_short=(), unscreened=())
        return self if self.cut_short else self.cut_short_at(self.inputs or (UNKNOWN_INPUTS,))

    def as_recorded(self) -> Extent:
        """This extent as a case's records keep it (the register, its reports): the image
        files found, the copies left out and whether the screening was cut short, not the
        inputs nor how they were searched."""
        return Extent(files=self.files, copies=self.copies).as_saved(not self.cut_short)

    def to_dict(self) -> dict[str, object]:
        data = {"inputs": list(self.inputs), "recursive": self.recursive, "mode": self.mode,
                "files": self.files}
        if self.cut_short:  # written only when there are some
            data["cut_short"] = list(self.cut_short)
        if self.copies is not None:  # a save without it is read as not recorded
            data["copies"] = self.copies.to_dict()
        if self.unscreened:  # written only when there are some
            data["unscreened"] = [[name, list(names)] for name, names in self.unscreened]
        return data

    @classmethod
    def from_dict(cls, data: object, name: str = "extent") -> Extent:
        """An extent from :meth:`to_dict`'s object, its copies not recorded when it has none;
        ValueError names a bad or unknown field."""
        return build(cls, {"copies": None, **expect(data, dict, name)}, _FIELDS, name)


def searched_again(paths: Iterable[object], recursive: bool,
                   resolve: bool = False) -> Callable[[str], bool]:
    """Whether ``paths``, searched ``recursive``ly, search the input named again whole: it
    is one of them or lies in one (see :func:`named`, and :func:`spelled` for ``resolve``)."""
    again = [spelled(name, resolve) for name in paths] if recursive else []

    def searched(name: str) -> bool:
        if not named(name):  # a relative name is met by a folder opened that ends in it
            tail = Path(name).parts
            return name != UNKNOWN_INPUTS and any(
                path.parts[-len(tail):] == tail for path in again)
        known = spelled(name, resolve)
        return any(known.is_relative_to(path) for path in again)

    return searched


def copies_found_again(copies: LeftOut, paths: Iterable[object],
                       recursive: bool) -> tuple[str, ...]:
    """What ``paths``, searched ``recursive``ly, find again of ``copies``: the places of
    ``LeftOut.found_in`` they go through whole (a folder with its subfolders, a file), the
    folders of ``LeftOut.in_folders`` searched, and the paths of copies opened alone.
    Compared as real paths, a place not a folder taken for a file: it reads the disk, never
    on the UI thread."""
    paths = list(paths)
    whole, again = searched_again(paths, recursive, resolve=True), [
        spelled(name, resolve=True) for name in paths]

    def searched(place: str, holding: bool = False) -> bool:
        """Whether the search goes through every copy at ``place``: a file, or a folder
        ``holding`` them (not in its subfolders: a place of ``found_in`` may be the input
        that held them)."""
        if whole(place):
            return True
        known = spelled(place, resolve=True)
        return named(place) and any(
            (known == path and holding)
            or ((known == path or known.parent == path) and not known.is_dir())
            for path in again)

    alone = {Path(str(name)).name for name in paths} | {path.name for path in again}
    found = [place for place, _ in copies.found_in if searched(place)]
    for folder, names in copies.in_folders:
        found += [folder] if searched(folder, holding=True) else [
            path for name in alone.intersection(names)
            if searched(path := os.path.join(folder, name))]
    return tuple(found)


def counted_at(copies: LeftOut, again: Collection[str]) -> Callable[[str], bool]:
    """Whether the copies a search finds in a folder are counted in ``copies`` already: the
    nearest place of ``LeftOut.found_in`` that is the folder or holds it is not found
    ``again`` (see :func:`copies_found_again`), so it counts them with the others there.
    Compared as real paths: it reads the disk, never on the UI thread."""
    places = sorted(((spelled(place, resolve=True), place in again)
                     for place, _ in copies.found_in if named(place)),
                    key=lambda place: len(place[0].parts), reverse=True)

    def counted(folder: str) -> bool:
        known = spelled(folder, resolve=True)
        return next((not found for place, found in places if known.is_relative_to(place)),
                    False)

    return counted


def named(name: str) -> bool:
    """True when the input ``name`` names one place: a full path. A relative one (saved by a
    window started in some folder) names nothing once the current folder may be another."""
    return name != UNKNOWN_INPUTS and Path(name).is_absolute()


def spelled(name: object, resolve: bool = False) -> Path:
    """The path ``name`` as inputs are compared: absolute, or with ``resolve`` its real path,
    links followed, so that two spellings of one folder meet (it reads the disk: never on
    the UI thread). A symlink loop stays as spelled, for its read to fail with the OS's
    words, where ``Path.resolve`` raises RuntimeError on Python before 3.13."""
    path = Path(str(name))
    return Path(os.path.realpath(path)) if resolve else path.absolute()


def screened_files(results: Iterable[ScreeningResult]) -> set[Path]:
    """The image files that have their rows in ``results``."""
    return {result.path for result in results if result.starts_file}


def _mode(value: object, name: str) -> str:
    mode = text(value, name)
    if mode not in MODES:
        raise ValueError(f"{name} should be one of {', '.join(MODES)}, not {mode!r}")
    return mode


_FIELDS = {"inputs": several(text), "recursive": flag, "mode": _mode, "files": integer,
           "cut_short": several(text), "copies": optional(LeftOut.from_dict),
           "unscreened": several(pair(text, several(text)))}
