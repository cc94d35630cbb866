"""The same cell given twice to an adaptation, by two sources or twice by one, is used once.

A cell is known by its content, not by where a source keeps it: the sha256 of its image
file's bytes (which each source computes as it reads the file, and which reports and the
register record) and, for a cell of a whole field, its box as screening's cell finder finds
it. A report exported from a register case, a report named under two paths, or an image
copied into two folders then give cells already read; counted again, they would weigh twice
in the fit and could sit on both sides of the held-out split, which flatters the figures.
The first copy is kept. A later copy with the other call refuses the adaptation: one of the
two calls is wrong, and only the lab can say which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from malariascope.core.errors import CallsDisagreeError
from malariascope.core.options import CLASS_NAMES

Box = tuple[int, int, int, int]  # x, y, width, height in pixels


@dataclass(frozen=True)
class CellId:
    """A cell by its content: its image file's sha256 and its box in a whole field (None:
    the image is the cell); ``where`` names it as its source does, for messages only."""

    sha256: str
    box: Box | None
    where: str = field(compare=False)


#: What a refusal of two calls of one cell advises, in an adaptation's words.
LEAVE_OUT_SOURCE = "leave out the source whose call is wrong; nothing was adapted"


class Repeats:
    """The labelled cells read so far by one adaptation (or one labelled folder), each with
    the call it was read with; ``advice`` ends the refusal of a cell called both ways."""

    def __init__(self, advice: str = LEAVE_OUT_SOURCE) -> None:
        self._calls: dict[CellId, tuple[str, int]] = {}  # -> where it was first read, label
        self._advice = advice

    def new(self, cell: CellId, label: int) -> bool:
        """True for a cell not read before, which is kept; False for a repeat;
        :class:`CallsDisagreeError` for a repeat called otherwise."""
        first = self._calls.get(cell)
        if first is None:
            self._calls[cell] = (cell.where, label)
            return True
        where, called = first
        if called != label:
            raise CallsDisagreeError(
                f"{where} and {cell.where} are the same cell{_at(cell)}, called "
                f"{CLASS_NAMES[called]} in the first and {CLASS_NAMES[label]} in the second: "
                f"{self._advice}")
        return False


def _at(cell: CellId) -> str:
    """Where ``cell`` lies in its field, in words ('' for a cell image)."""
    if cell.box is None:
        return ""
    x, y, width, height = cell.box
    return f" (the {width}x{height} px box at x {x}, y {y} of its field)"
