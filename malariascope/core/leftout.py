"""The files of a case left out as byte-identical copies of files screened (``core.copies``),
as its records keep them: how many, and the first few by name, so the summary CSV, the
printed report and the window say what was not counted. Standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.jsonfields import build, integer, pair, several, text
from malariascope.core.words import counted, listed

NAMED = 5  # copies a record names; the rest it counts


@dataclass(frozen=True)
class LeftOut:
    """``count`` files left out as copies; ``named``, the first :data:`NAMED` of them, each
    as "copy (copy of original)"; ``found_in``, how many of them lay at each place."""

    count: int = 0
    named: tuple[str, ...] = ()
    #: of ``count``, those at each place: the folder holding them, or the file itself when
    #: it was opened alone, so a search again tells the copies it finds again (see
    #: :meth:`found_again`). Copies recorded before MalariaScope kept this are at none;
    #: those recorded before it kept their folders are at the input that held them.
    found_in: tuple[tuple[str, int], ...] = ()

    def add(self, count: int, pairs: Iterable[tuple[Path, Path]],
            found_in: Mapping[str, int] | None = None) -> LeftOut:
        """These copies and ``count`` more, the first of them named by ``pairs`` (copy,
        original), ``found_in`` inputs; a copy named already is named once."""
        names = dict.fromkeys((*self.named, *(f"{copy} (copy of {original})"
                                               for copy, original in pairs)))
        inputs = Counter(dict(self.found_in))
        inputs.update(found_in or {})
        return LeftOut(self.count + count, tuple(names)[:NAMED], tuple(inputs.items()))

    def found_again(self, searched: Callable[[str], bool]) -> LeftOut:
        """These copies, counted and named, without those at the places ``searched`` again:
        that search finds those still there again, and counts them once more."""
        again = {name: count for name, count in self.found_in if searched(name)}
        places = [Path(name) for name in again]
        return LeftOut(self.count - sum(again.values()),
                       tuple(name for name in self.named if not _at(name, places)),
                       tuple(place for place in self.found_in if place[0] not in again))

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


_FIELDS = {"count": integer, "named": several(text), "found_in": several(pair(text, integer))}


NONE_LEFT_OUT = LeftOut()  # no file left out
#: the records of a case saved before MalariaScope kept the copies: some may have been left out
COPIES_NOT_RECORDED = ("Files left out as identical copies of files screened: not recorded "
                       "(saved by an earlier MalariaScope).")
