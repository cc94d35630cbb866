"""A printed report's galleries: bounded (:data:`GALLERY_MAX` pictures, the cells a reviewer
marked unsure first, then the highest probability), and saying how many cells they leave
out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import TypeVar

import numpy as np

from malariascope.core.tally import UNSURE

GALLERY_MAX = 48  # pictures per gallery: a page of them at most
Cell = TypeVar("Cell")  # a cell as the window or the command line holds it


def printed_first(probability: float, review: str) -> tuple[bool, float]:
    """The order of a gallery's cells: those a reviewer marked unsure first, as they wait for
    a second look wherever their probability lies, then the highest probability."""
    return review != UNSURE, -probability


@dataclass(frozen=True)
class GalleryCell:
    """A cell's picture (RGB ``uint8``) for a gallery, with P(parasitized) and where it is."""

    picture: np.ndarray
    probability: float
    label: str = ""  # short: a file name, or a field's name and the cell's number
    review: str = ""  # ``confirmed``, ``overridden`` or ``unsure``: what a reviewer pressed
    threshold: float | None = None  # the model called it at: P shows the decimals to tell
    learned: bool = False  # its image is one the model learned from in adaptation


@dataclass(frozen=True)
class Gallery:
    """Cells of one kind; ``total`` counts them all when only some have pictures."""

    cells: Sequence[GalleryCell] = ()
    total: int | None = None
    unreadable: int = 0  # cells of those to print whose picture could not be read

    def shown(self) -> list[GalleryCell]:
        """The pictures printed, at most GALLERY_MAX, in :func:`printed_first`'s order."""
        return sorted(self.cells, key=lambda cell: printed_first(cell.probability, cell.review)
                      )[:GALLERY_MAX]

    def left_out(self) -> int:
        """The cells not printed for the bound (not those whose picture was unreadable)."""
        return max(len(self.cells) if self.total is None else self.total, 0) - len(
            self.shown()) - self.unreadable


def printed_cells(cells: Iterable[Cell], rank: Callable[[Cell], tuple[bool, float]],
                  path: Callable[[Cell], str | PathLike[str]]) -> list[Cell]:
    """The cells of ``cells`` a gallery prints: the first :data:`GALLERY_MAX` by ``rank`` (a
    cell's :func:`printed_first`; the first given first among equals), in the order of their
    files' ``path``, so that each field is read once."""
    shown = sorted(cells, key=rank)[:GALLERY_MAX]
    return sorted(shown, key=lambda cell: str(path(cell)))


def read_gallery(printed: Sequence[Cell], total: int,
                 picture: Callable[[Cell], GalleryCell | None]) -> Gallery:
    """The gallery of ``total`` cells of which :func:`printed_cells` chose ``printed``: each
    with its ``picture``, or counted as unreadable where that is None (its file no longer
    reads), not among those the bound leaves out."""
    shown = [cell for cell in map(picture, printed) if cell is not None]
    return Gallery(shown, total, unreadable=len(printed) - len(shown))
