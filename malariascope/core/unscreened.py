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

from malariascope.core.extent import Extent, named, spelled


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
    screened = {spelled(path, True) for path in {*held, *files}} if recorded else set()
    kept = [(name, path) for name, path in recorded if spelled(path, True) not in screened]
    inputs = [*(name for name in before.rest if name not in whole), *map(str, paths)]
    return (sum(name in whole for name, _ in kept),  # not found: those found are screened
            UnscreenedNames.of(inputs, [path for _, path in kept], files))
