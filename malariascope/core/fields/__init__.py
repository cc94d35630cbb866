"""Whole microscope fields: find the red cells, screen each, report parasitemia.

``find_cells`` and ``crop_box`` are pure image processing (OpenCV and numpy); ``screen_field``
adds the classifier. Nothing here imports Qt.
"""

from malariascope.core.fields.cells import (
    TYPICAL_CELL_PX,
    Box,
    FieldCell,
    Segmentation,
    crop_box,
    find_cells,
    is_field,
    looks_like_field,
    masked_crop,
    segment_field,
)
from malariascope.core.fields.mask import FieldParams
from malariascope.core.fields.screen import FieldResult, ScreenedCell, screen_field

__all__ = [
    "TYPICAL_CELL_PX", "Box", "FieldCell", "FieldParams", "FieldResult", "ScreenedCell",
    "Segmentation", "crop_box", "find_cells", "is_field", "looks_like_field", "masked_crop",
    "screen_field", "segment_field",
]
