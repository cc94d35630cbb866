"""The files of a case left out as byte-identical copies of files screened (``core.copies``),
as its records keep them: how many, and the first few by name, so the summary CSV, the
printed report and the window say what was not counted. Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.jsonfields import build, integer, pair, several, text
from malariascope.core.words import counted, listed

NAMED = 5  # copies a record names; the rest it counts


@dataclass(frozen=True)
class LeftOut:
    """``count`` files left out as copies; ``named``, the first :data:`NAMED` of them, each
    as "copy (copy of original)"; where they lay, in ``in_folders`` (``found_in`` for those
    an earlier MalariaScope recorded)."""

    count: int = 0
    named: tuple[str, ...] = ()
    #: of ``count``, those an earlier MalariaScope recorded by place: the folder holding
    #: them, or the file itself when it was opened alone; before that, the input that held
    #: them. A place stays until a search goes through it whole, and counts the copies
    #: found at or under it meanwhile (``core.extent.counted_at``). Copies recorded before
    #: MalariaScope kept places are at none.
    found_in: tuple[tuple[str, int], ...] = ()
    #: of ``count``, the others by the folder holding them, each by its name: a search
    #: again tells every copy it finds again (see :meth:`found_again`), also a file opened
    #: alone out of a folder searched before
    in_folders: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def add(self, count: int, pairs: Iterable[tuple[Path, Path]],
            in_folders: Mapping[str, tuple[str, ...]] | None = None) -> LeftOut:
        """These copies and ``count`` more, the first of them named by ``pairs`` (copy,
        original), ``in_folders`` by their names; a copy named already is named once."""
        names = dict.fromkeys((*self.named, *(f"{copy} (copy of {original})"
                                               for copy, original in pairs)))
        folders = dict(self.in_folders)
        for folder, copies in (in_folders or {}).items():
            folders[folder] = folders.get(folder, ()) + copies
        return LeftOut(self.count + count, tuple(names)[:NAMED], self.found_in,
                       tuple(folders.items()))

    def found_again(self, again: Collection[str]) -> LeftOut:
        """These copies, counted and named, without those a search finds ``again``: that
        search counts those still there once more. ``again`` holds places (of ``found_in``,
        and folders of ``in_folders`` searched) and the paths of copies opened alone."""
        alone: dict[str, set[str]] = {}
        for path in again:
            folder, name = os.path.split(path)
            alone.setdefault(folder, set()).add(name)
        kept = {folder: names if folder not in alone
                else tuple(name for name in names if name not in alone[folder])
                for folder, names in self.in_folders if folder not in again}
        dropped = sum(count for name, count in self.found_in if name in again) + sum(
            len(names) for _, names in self.in_folders) - sum(map(len, kept.values()))
        places = [Path(path) for path in again]
        return LeftOut(self.count - dropped,
                       tuple(name for name in self.named if not _at(name, places)),
                       tuple(place for place in self.found_in if place[0] not in again),
                       tuple((folder, names) for folder, names in kept.items() if names))

    def names(self) -> str:
        """The copies named, and how many more ('' when none)."""
        return listed(self.named, self.count) if self.count else ""

    def words(self) -> str:
        """A sentence for the records ('' when no file was left out)."""
        if not self.count:
            return ""
        verb = "was" if self.count == 1 else "were"
        return (f"{counted(self.count, 'file')} {verb} left out as identical copies of files "
                f"screened: {self.names()}.")

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"count": self.count, "named": list(self.named)}
        if self.found_in:  # written only when there are some
            data["found_in"] = [list(pair) for pair in self.found_in]
        if self.in_folders:  # an older MalariaScope refuses it: it would count them twice
            data["in_folders"] = [[folder, list(names)] for folder, names in self.in_folders]
        return data

    @classmethod
    def from_dict(cls, data: object, name: str = "copies") -> LeftOut:
        """:meth:`to_dict`'s object read back; ValueError names a bad or unknown field."""
        return build(cls, data, _FIELDS, name)


def _at(named: str, places: list[Path]) -> bool:
    """Whether the copy ``named`` (by the last parts of its path, see :meth:`LeftOut.add`)
    may lie at one of ``places``: that file, or in that folder."""
    copy = Path(named.split(" (copy of ")[0]).parts
    return any(place.parts[-len(copy):] == copy
               or place.parts[len(place.parts) - len(copy) + 1:] == copy[:-1]
               for place in places)


_FIELDS = {"count": integer, "named": several(text), "found_in": several(pair(text, integer)),
           "in_folders": several(pair(text, several(text)))}


NONE_LEFT_OUT = LeftOut()  # no file left out
#: the records of a case saved before MalariaScope kept the copies: some may have been left out
COPIES_NOT_RECORDED = ("Files left out as identical copies of files screened: not recorded "
                       "(saved by an earlier MalariaScope).")
