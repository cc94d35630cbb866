"""Files that could not be read, opened again once replaced: their new rows supersede the old.

A case's rows only grow (the autosave and the register append them), so the row of a file that
failed to read stays when the technician replaces the file and opens it again. Every later row
of the same path supersedes it: the case counts the file once, as its last screening found it,
and its CSV and PDF leave the superseded row out. A file replaced by a copy of another file of
the case is left out as a copy is (``core.copies``): its new row says so, :data:`LEFT_OUT`,
and supersedes the old one, and is itself left out, so the case holds neither. That file
stays open to screening as an unread one is, so the right image put there later is screened
and its rows supersede the left-out one. Standard library only, like ``tally``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core.results pulls in numpy
    from malariascope.core.results import ScreeningResult

#: The error of the one result a copy gives when known by its bytes: it says what it is to a
#: consumer that keeps it, which then has a row with no call, not a cell with no score. A
#: case keeps it only as the row of its own unread file replaced by a copy.
LEFT_OUT = "identical to a file screened before it: left out, not screened"


def unread(result: ScreeningResult) -> bool:
    """True for the row of a file that could not be read (or was not found): nothing of it
    was screened. A whole field read without a cell found in it was screened."""
    return not result.ok and not result.whole_field


class Superseded:
    """The rows superseded so far, of results taken in order, row by row (a copy's row
    among them)."""

    def __init__(self) -> None:
        self.rows: set[int] = set()
        self._unread: dict[Path, int] = {}  # path -> its row that holds nothing of it

    def by(self, result: ScreeningResult) -> int | None:
        """The row ``result`` supersedes once taken: the unread one of its file, if any."""
        return self._unread.get(result.path)

    def take(self, row: int, result: ScreeningResult) -> None:
        """Take ``result`` at ``row``, after the rows before it."""
        gone = self._unread.pop(result.path, None)
        if gone is not None:
            self.rows.add(gone)
        if result.error == LEFT_OUT:  # a copy: the case holds none of it
            self.rows.add(row)
        if unread(result):  # a copy's row too: the file may be screened once replaced
            self._unread[result.path] = row

    @property
    def unread_files(self) -> set[Path]:
        """The files whose last row holds nothing of them: could not be read, or left out
        as a copy. Opened again, they are screened again."""
        return set(self._unread)


def superseded(results: Iterable[ScreeningResult]) -> set[int]:
    """The rows of ``results`` (in the order they were screened) that later rows supersede."""
    rows = Superseded()
    for row, result in enumerate(results):
        rows.take(row, result)
    return rows.rows
