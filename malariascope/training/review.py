"""A label review: NIH cells whose published class a reviewer looked at and contradicted.

The review is a CSV with one row per cell: ``image`` (the cell's file name), ``class`` (the
folder it is published in) and ``seen`` (what the reviewer saw instead, in words). Training
leaves those cells out of fitting and of the validation slides, so the temperature and the
threshold are chosen on labels a person has checked; the test split keeps its published
labels, as every figure reported for it does.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from malariascope.core.dataset import LabelledImages
from malariascope.core.errors import DatasetError
from malariascope.core.options import CLASS_NAMES

COLUMNS = ("image", "class", "seen")


@dataclass(frozen=True)
class LabelReview:
    """The reviewed cells, as (file name, published class): a cell of the other class that
    shares a name (in a renamed or generated set) is never left out by mistake."""

    cells: frozenset[tuple[str, str]]

    @classmethod
    def read(cls, path: Path) -> LabelReview:
        """The review in ``path``; a :class:`DatasetError` names what is wrong with it."""
        try:
            with path.open(newline="", encoding="utf-8") as file:
                rows = list(csv.DictReader(file))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DatasetError(f"label review {path}: cannot be read ({exc})") from exc
        if not rows or any(column not in rows[0] for column in COLUMNS):
            raise DatasetError(f"label review {path}: needs the columns {', '.join(COLUMNS)} "
                               "and at least one row")
        cells = set()
        for line, row in enumerate(rows, start=2):
            if row["class"] not in CLASS_NAMES or not row["image"] or not row["seen"]:
                raise DatasetError(f"label review {path}, line {line}: an image name, a class "
                                   f"({' or '.join(CLASS_NAMES)}) and what was seen are needed")
            cells.add((row["image"], row["class"]))
        return cls(frozenset(cells))

    def kept(self, images: LabelledImages, indices: np.ndarray) -> np.ndarray:
        """``indices`` without the reviewed cells (cells the review names but ``images`` lacks,
        such as another split's, are no matter)."""
        return np.asarray([index for index in indices
                           if (images.paths[index].name, CLASS_NAMES[images.labels[index]])
                           not in self.cells], dtype=indices.dtype)
