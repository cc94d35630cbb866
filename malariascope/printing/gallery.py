"""A printed report's galleries: bounded (:data:`GALLERY_MAX` pictures, highest probability
first), and saying how many cells they leave out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GALLERY_MAX = 48  # pictures per gallery: a page of them at most


@dataclass(frozen=True)
class GalleryCell:
    """A cell's picture (RGB ``uint8``) for a gallery, with P(parasitized) and where it is."""

    picture: np.ndarray
    probability: float
    label: str = ""  # short: a file name, or a field's name and the cell's number
    review: str = ""  # ``confirmed``, ``overridden`` or ``unsure``: what a reviewer pressed
    threshold: float | None = None  # the model called it at: P shows the decimals to tell


@dataclass(frozen=True)
class Gallery:
    """Cells of one kind; ``total`` counts them all when only some have pictures."""

    cells: Sequence[GalleryCell] = ()
    total: int | None = None

    def shown(self) -> list[GalleryCell]:
        """The pictures printed: the highest probabilities first, at most GALLERY_MAX."""
        return sorted(self.cells, key=lambda cell: -cell.probability)[:GALLERY_MAX]

    def left_out(self) -> int:
        return max(len(self.cells) if self.total is None else self.total, 0) - len(
            self.shown())
