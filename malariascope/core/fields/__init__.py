"""Whole microscope fields: find the red cells, screen each, report parasitemia.

``find_cells`` and ``crop_box`` are pure image processing (OpenCV and numpy); screening the
cells found is ``core.pipeline``'s work, and ``scoring`` measures both against annotations.
Nothing here imports Qt.
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

__all__ = [
    "TYPICAL_CELL_PX", "Box", "FieldCell", "FieldParams", "Segmentation", "crop_box",
    "find_cells", "is_field", "looks_like_field", "masked_crop", "segment_field",
]
