"""What the pipeline found for one cell, or one file that could not be screened, and its JSON.

A whole microscope field gives a result per cell found, each with its number and box in the
field and the file's sha256; an error result says why a file was not screened. Results are
made by ``core.pipeline``, which the rest of the code imports the class from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from malariascope.core.fields import Box
from malariascope.core.jsonfields import (
    array,
    array_json,
    build,
    fixed,
    flag,
    integer,
    number,
    optional,
    path,
    text,
)


@dataclass
class ScreeningResult:
    """What the screen found for one cell (an image, or a cell found in a whole field): a
    probability, or an error with its reason."""

    path: Path
    sha256: str = ""
    probability: float | None = None
    class_map: np.ndarray | None = None
    image_shape: tuple[int, int] = (0, 0)
    error: str = ""
    processed_at: str = ""
    whole_field: bool = False  # the image was screened as a whole field
    cell_index: int | None = None  # the cell's number in its field, from 1 in reading order
    box: Box | None = None  # the cell's (x, y, width, height) in the field, in pixels
    #: a field cell's probability before its field was standardized (``fields.standardize``):
    #: how far the field's scores sat from the model's healthy cells (``adapt.unlike``)
    raw_probability: float | None = None
    #: whether the model learned from this image in adaptation (``adapt.learned``); None when
    #: its card lists no learned images
    learned: bool | None = None

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def in_field(self) -> bool:
        """True for a cell found in a whole field (called by the rule's field threshold)."""
        return self.box is not None

    @property
    def starts_file(self) -> bool:
        """True for the first result of an image file (progress counts files, not cells)."""
        return self.cell_index in (None, 1)

    def to_dict(self) -> dict[str, object]:
        """Every field as JSON values (arrays exactly, see ``core.jsonfields``)."""
        return {
            "path": str(self.path), "sha256": self.sha256, "probability": self.probability,
            "class_map": None if self.class_map is None else array_json(self.class_map),
            "image_shape": [int(side) for side in self.image_shape], "error": self.error,
            "processed_at": self.processed_at, "whole_field": self.whole_field,
            "cell_index": self.cell_index,
            "box": None if self.box is None else [int(value) for value in self.box],
            "raw_probability": self.raw_probability, "learned": self.learned,
        }

    @classmethod
    def from_dict(cls, data: object) -> ScreeningResult:
        """A result from :meth:`to_dict`'s object; ValueError names a bad or unknown field."""
        return build(cls, data, _RESULT_FIELDS, "ScreeningResult")


_RESULT_FIELDS = {
    "path": path, "sha256": text, "probability": optional(number), "class_map": optional(array),
    "image_shape": fixed(integer, 2), "error": text, "processed_at": text, "whole_field": flag,
    "cell_index": optional(integer), "box": optional(fixed(integer, 4)),
    "raw_probability": optional(number), "learned": optional(flag),
}
