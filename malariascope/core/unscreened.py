"""A screening's image files found but not screened, named as a case records them
(``Extent.unscreened``): relative to the first named cut-short input that holds each.

They are named once, as the screening starts and off the UI thread (it reads the disk, and
a case may have hundreds of thousands of files): each chunk then records them at the cost of
a slice per input, not a pass over every file.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from malariascope.core.extent import Extent, named


@dataclass(frozen=True)
class UnscreenedNames:
    """By input, the names of the files ``kept`` from before a screening, and of its own
    ``files`` with their places in its order (``own``)."""

    kept: tuple[tuple[str, tuple[str, ...]], ...] = ()
    own: tuple[tuple[str, tuple[int, ...], tuple[str, ...]], ...] = ()
    files: int = 0

    @classmethod
    def of(cls, inputs: Iterable[str], kept: Iterable[Path],
           files: Sequence[Path]) -> UnscreenedNames:
        """The files ``kept`` and the screening's own ``files`` named by the first of
        ``inputs`` that holds each (one in none is left out)."""
        inputs = [name for name in dict.fromkeys(inputs) if named(name)]
        own = by_input(inputs, files)
        return cls(tuple((name, tuple(relative for _, relative in names))
                         for name, names in by_input(inputs, kept).items()),
                   tuple((name, *map(tuple, zip(*names, strict=True)))
                         for name, names in own.items()),
                   len(files))

    def at(self, extent: Extent, done: int) -> Extent:
        """``extent`` recording these files, of its inputs cut short, once the first ``done``
        of the screening's own are screened."""
        names = dict(self.kept)
        for name, places, relative in self.own:
            names[name] = names.get(name, ()) + relative[bisect_left(places, done):]
        return replace(extent, unscreened=tuple(
            (name, names[name]) for name in extent.rest if names.get(name)))


def by_input(inputs: list[str], paths: Iterable[Path]) -> dict[str, list[tuple[int, str]]]:
    """The ``paths`` (with their places among them) by the first of ``inputs`` that holds
    each, named relative to it ("." for the input itself); those in none are left out."""
    heads = [(name, os.path.join(name, "")) for name in inputs]  # compared as text: fast
    found: dict[str, list[tuple[int, str]]] = {}
    for place, path in enumerate(map(str, paths)):  # found under the inputs as spelled
        for name, head in heads:
            if path.startswith(head) or path == name:
                found.setdefault(name, []).append(
                    (place, path[len(head):].replace(os.sep, "/") or "."))
                break
    return found


def unscreened_after(before: Extent, whole: tuple[str, ...], paths: Iterable[Path],
                     held: Iterable[Path], files: Sequence[Path]) -> tuple[int, UnscreenedNames]:
    """What a screening of ``paths`` records of the files found but not screened, ``before``
    its case's extent: how many recorded there in its inputs searched again ``whole`` it did
    not find (gone), and the names of those it keeps recording and of its own ``files``,
    by the inputs that stay cut short (``before``'s others, then ``paths``). A file the case
    holds (``held``) or among ``files`` is screened or about to be, and never kept
    (compared as real paths: it reads the disk, never on the UI thread)."""
    recorded = [(name, Path(name) / relative) for name, names in before.unscreened
                for relative in names]
    screened = set(real_paths({*held, *files})) if recorded else set()
    kept = [(name, path) for (name, path), real in zip(
        recorded, real_paths(path for _, path in recorded), strict=True) if real not in screened]
    inputs = [*(name for name in before.rest if name not in whole), *map(str, paths)]
    return (sum(name in whole for name, _ in kept),  # not found: those found are screened
            UnscreenedNames.of(inputs, [path for _, path in kept], files))


def real_paths(paths: Iterable[Path]) -> list[str]:
    """The real path of each of ``paths`` (as ``spelled(path, resolve=True)``), the links
    of each folder followed once for all its files, those of a file that is a link itself
    on its own: a case's files are many and its folders few, and a real path reads the
    disk once for every part of it."""
    folders: dict[str, str] = {}
    real = []
    for path in map(str, paths):
        head, name = os.path.split(path)
        if name in ("", os.curdir, os.pardir) or os.path.islink(path):
            real.append(os.path.realpath(path))
            continue
        if head not in folders:
            folders[head] = os.path.realpath(head or os.curdir)
        real.append(os.path.join(folders[head], name))
    return real
