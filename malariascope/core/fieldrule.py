"""Which images a screening takes as whole microscope fields, by its mode (``core.options``).

The pipeline's loader threads ask it of each image they decode.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from malariascope.core.fields import looks_like_field
from malariascope.core.options import Mode


@dataclass(frozen=True)
class FieldRule:
    """Which images are screened as whole fields, by ``mode`` (see ``core.pipeline.screen``)."""

    mode: Mode
    fields_as_cells: set[Path] | None  # images screened as one cell that look like fields

    def __call__(self, path: Path, image: np.ndarray) -> bool:
        """True when the image at ``path`` is screened as a whole field."""
        if self.mode == "field":
            return True
        if self.mode == "auto":
            return looks_like_field(image)
        if self.fields_as_cells is not None and looks_like_field(image):
            self.fields_as_cells.add(path)  # a set's add is atomic: loader threads share it
        return False
