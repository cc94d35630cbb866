"""The files of a case left out as byte-identical copies of files screened (``core.copies``),
as its records keep them: how many, and the first few by name, so the summary CSV, the
printed report and the window say what was not counted. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.jsonfields import build, integer, several, text
from malariascope.core.words import counted, listed

NAMED = 5  # copies a record names; the rest it counts


@dataclass(frozen=True)
class LeftOut:
    """``count`` files left out as copies; ``named``, the first :data:`NAMED` of them, each
    as "copy (copy of original)"."""

    count: int = 0
    named: tuple[str, ...] = ()

    def add(self, count: int, pairs: Iterable[tuple[Path, Path]]) -> LeftOut:
        """These copies and ``count`` more, the first of them named by ``pairs`` (copy,
        original)."""
        names = (*self.named, *(f"{copy} (copy of {original})" for copy, original in pairs))
        return LeftOut(self.count + count, names[:NAMED])

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
        return {"count": self.count, "named": list(self.named)}

    @classmethod
    def from_dict(cls, data: object, name: str = "copies") -> LeftOut:
        """:meth:`to_dict`'s object read back; ValueError names a bad or unknown field."""
        return build(cls, data, {"count": integer, "named": several(text)}, name)


NONE_LEFT_OUT = LeftOut()  # no file left out
#: the records of a case saved before MalariaScope kept the copies: some may have been left out
COPIES_NOT_RECORDED = ("Files left out as identical copies of files screened: not recorded "
                       "(saved by an earlier MalariaScope).")
