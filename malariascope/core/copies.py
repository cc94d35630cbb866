"""Image files whose content is that of a file already screened, left out so no cell counts twice.

A copy of an image at another path (a folder copied, a field saved twice) has its original's
bytes, so its sha256, which every result of a file carries (``ScreeningResult.sha256``). Error
rows are kept whatever their hash: a file that could not be screened adds no cell, and its row
says what was not screened. Only the hex digests of the files kept are held, with the path of
each to name an original.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.words import counted

if TYPE_CHECKING:  # core.pipeline pulls in numpy
    from malariascope.core.pipeline import ScreeningResult


class Copies:
    """The image files screened so far, by content, and the copies of them left out.

    Parameters
    ----------
    held
        Results already in the case: copies of their files are left out too.
    """

    def __init__(self, held: Iterable[ScreeningResult] = ()) -> None:
        self._originals: dict[str, Path] = {}
        self.left_out = 0  #: files left out as copies
        self.example: tuple[Path, Path] | None = None  #: the first copy left out, its original
        for result in held:
            self._remember(result)

    def is_copy(self, results: list[ScreeningResult]) -> bool:
        """True when ``results`` (one file's, as ``pipeline.whole_files`` gives them) are those
        of a copy of a file seen before; otherwise that file is seen from now on."""
        first = results[0]
        original = self._originals.get(first.sha256) if first.ok else None
        if original is None:
            self._remember(first)
            return False
        self.left_out += 1
        self.example = self.example or (first.path, original)
        return True

    def words(self, others: str = "other files of the case") -> str:
        """The copies left out, in words ('' when none): how many, and the first with its
        original, each named by as much of its path as tells them apart."""
        if not self.left_out:
            return ""
        copy, original = _told_apart(*self.example)
        return (f"{counted(self.left_out, 'file')} identical to {others} left out: "
                f"{copy} is a copy of {original}")

    def _remember(self, result: ScreeningResult) -> None:
        if result.ok and result.sha256:
            self._originals.setdefault(result.sha256, result.path)


def _told_apart(first: Path, second: Path) -> tuple[Path, Path]:
    """The last parts of two paths, from the folder and name on, that tell them apart."""
    for parts in range(2, max(len(first.parts), len(second.parts))):
        ends = Path(*first.parts[-parts:]), Path(*second.parts[-parts:])
        if ends[0] != ends[1]:
            return ends
    return first, second
