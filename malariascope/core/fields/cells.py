"""Whole microscope fields: find the red cells and crop each the way the model's cells look.

The model was trained on NIH cells: one cell per image, cut out by its segmentation, with
everything outside the cell black. Crops made here follow that: the cell's own mask from the
field segmentation, background and neighbouring cells set to 0, tight box around the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from malariascope.core.cancelling import checkpoint
from malariascope.core.fields.mask import (
    FieldParams,
    cell_radius,
    darkness,
    disk,
    fill_small_holes,
    foreground,
    near,
    outside,
    ridges,
)
from malariascope.core.fields.regions import fill_holes, find_objects, largest_piece
from malariascope.core.fields.split import split_cells

Box = tuple[int, int, int, int]  # x, y, width, height in pixels

#: A typical cell image side (px) in the training data; an image much larger is a field.
TYPICAL_CELL_PX = 130
#: A lit area wider than this (px) within a black surround is a field seen through a round field
#: stop, not one cell cut out on black (the largest training cell is 394 px a side).
FIELD_STOP_SPAN = 4 * TYPICAL_CELL_PX


@dataclass(frozen=True)
class FieldCell:
    """One red cell found in a field: where it is and its masked crop."""

    index: int
    box: Box
    crop: np.ndarray  # (h, w, 3) uint8 RGB, black outside the cell
    mask: np.ndarray  # (h, w) bool, the cell's pixels within ``box``


@dataclass(frozen=True)
class Segmentation:
    """The field-level products that crops and cell finding share (computed once per field)."""

    labels: np.ndarray  # (H, W) int32, 0 = background, one label per candidate cell
    cells: np.ndarray  # (H, W) bool, cell pixels before splitting (pallor filled)
    darkness: np.ndarray  # (H, W) float32, see ``mask.darkness``
    radius: float  # typical cell radius in px (0 when the field holds no cells)
    level: float  # median darkness of cell pixels
    #: (H, W) bool where a region would be a cell cut by the picture's edge inside the image
    #: (a caption strip, a circular field stop: ``mask.outside``); None when there is none
    cut: np.ndarray | None = None


def is_field(image_shape: tuple[int, ...], cell_px: int = TYPICAL_CELL_PX) -> bool:
    """True when an image is much larger than one cell: its longer side over 3 cells, and room
    for a whole cell across its shorter side (a thin strip is no field)."""
    return max(image_shape[:2]) > 3 * cell_px and min(image_shape[:2]) >= cell_px


def looks_like_field(rgb: np.ndarray) -> bool:
    """True for a whole field: much larger than a cell, and not one cell cut out on black.

    Cut-out cells of the training set reach 394 px a side; their black surround tells them
    from a field, whose border is glass or cells, or the dark ring of a round field stop
    around a lit disc many cells wide (read as one cell, such a field got a single call).
    """
    if not is_field(rgb.shape):
        return False
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    if float((border.max(axis=1) < 16).mean()) < 0.5:
        return True
    lit = cv2.max(cv2.max(rgb[..., 0], rgb[..., 1]), rgb[..., 2]) >= 16
    rows, cols = np.flatnonzero(lit.any(axis=1)), np.flatnonzero(lit.any(axis=0))
    span = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 if rows.size else 0
    return span > FIELD_STOP_SPAN


def segment_field(rgb: np.ndarray, params: FieldParams | None = None) -> Segmentation:
    """Segment a field into candidate cell regions (before filtering, see :func:`find_cells`)."""
    _check_rgb(rgb)
    params = params or FieldParams()
    dark = darkness(rgb)
    checkpoint()  # between the steps of a screening that may be asked to stop (Cancel)
    beyond = outside(rgb, params)
    checkpoint()
    raw = foreground(rgb, dark, params, beyond)
    checkpoint()
    radius = cell_radius(raw, params)
    if radius <= 0:
        empty = np.zeros(raw.shape, np.int32)
        return Segmentation(empty, raw, dark, 0.0, 0.0)
    cells = fill_small_holes(raw, params.hole * np.pi * radius**2)
    checkpoint()
    labels = split_cells(cells, ridges(dark, raw, params), radius, params)
    cut = near(beyond, params.ink_rim_px + params.margin_px + 1) if beyond.any() else None
    return Segmentation(labels, cells, dark, radius, float(np.median(dark[raw])), cut)


def find_cells(rgb: np.ndarray, params: FieldParams | None = None,
               segmentation: Segmentation | None = None) -> list[FieldCell]:
    """The whole red cells of a field, in reading order, each cropped and masked on black.

    Dropped: cells cut by the image border (a partial cell would bias both the count and the
    classifier), regions too small (debris, fragments) or too large (clumps, white cells),
    regions much darker than the field's cells (white-cell nuclei, stain precipitate), and
    regions holding bare glass (a gap ringed by touching cells, which the pallor filling closed).
    """
    params = params or FieldParams()
    seg = segmentation or segment_field(rgb, params)
    if seg.radius <= 0:
        return []
    kept = [(box, mask) for box, mask in _regions(seg.labels) if _is_cell(box, mask, seg, params)]
    kept.sort(key=lambda item: (item[0][1] // max(1, int(seg.radius)), item[0][0]))
    return [FieldCell(i, box, masked_crop(rgb, box, mask), mask)
            for i, (box, mask) in enumerate(kept)]


def _regions(labels: np.ndarray):
    """``(box, mask)`` of every label, the mask smoothed and its holes filled."""
    for index, window in enumerate(find_objects(labels), 1):
        checkpoint()
        if window is None:
            continue
        mask = _smooth(labels[window] == index)
        if not mask.any():
            continue
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        x, y = window[1].start + int(cols[0]), window[0].start + int(rows[0])
        box = (x, y, int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1)
        yield box, mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _smooth(mask: np.ndarray) -> np.ndarray:
    """Remove the staircase the low-resolution split leaves on the outline; keep one piece."""
    opened = largest_piece(cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk(5)))
    return fill_holes(opened) if opened.any() else mask


def _is_cell(box: Box, mask: np.ndarray, seg: Segmentation, params: FieldParams) -> bool:
    x, y, w, h = box
    height, width = seg.labels.shape
    m = params.margin_px
    if x <= m or y <= m or x + w >= width - m or y + h >= height - m:
        return False
    if seg.cut is not None and (seg.cut[y:y + h, x:x + w] & mask).any():
        return False  # cut by a caption strip or a field stop, as by the image's edge
    area = float(mask.sum()) / (np.pi * seg.radius**2)
    if not params.min_area <= area <= params.max_area:
        return False
    inside = seg.darkness[y:y + h, x:x + w][mask]
    if float(np.mean(inside < params.glass * seg.level)) > params.gap:
        return False  # glass enclosed by cells, filled like a central pallor
    return float(np.median(inside)) <= params.darkest * seg.level


def masked_crop(rgb: np.ndarray, box: Box, mask: np.ndarray) -> np.ndarray:
    """The box of ``rgb`` with every pixel outside ``mask`` set to black (a new array)."""
    x, y, w, h = box
    crop = rgb[y:y + h, x:x + w].copy()
    crop[~mask] = 0
    return crop


def crop_box(rgb: np.ndarray, box: Box, segmentation: Segmentation | None = None) -> np.ndarray:
    """A masked crop of the cell inside an annotated ``box`` (e.g. from a reader's annotation).

    The cell is the field's cell mask within the ellipse inscribed in the box (a little
    enlarged, boxes are drawn loosely), minus neighbouring cells that only poke into it. Pass
    the field's ``segmentation`` when cropping many boxes of one field.
    """
    _check_rgb(rgb)
    seg = segmentation or segment_field(rgb)
    box = _clip_box(box, rgb.shape)
    ellipse = _ellipse(box)
    x, y, w, h = box
    mask = seg.cells[y:y + h, x:x + w] & ellipse
    mask &= _own_labels(seg.labels[y:y + h, x:x + w], ellipse)
    if mask.sum() < 0.2 * ellipse.sum():
        mask = ellipse  # the segmentation missed this cell; the ellipse is the best guess
    return masked_crop(rgb, box, _smooth(mask))


def _own_labels(labels: np.ndarray, ellipse: np.ndarray) -> np.ndarray:
    """Pixels of unlabelled area or of labels lying mostly inside the ellipse."""
    inside = np.bincount(labels[ellipse].ravel(), minlength=int(labels.max()) + 1)
    total = np.bincount(labels.ravel(), minlength=int(labels.max()) + 1)
    own = inside >= 0.5 * np.maximum(total, 1)
    own[0] = True
    return own[labels]


def _ellipse(box: Box, enlarge: float = 1.1) -> np.ndarray:
    x, y, w, h = box
    mask = np.zeros((h, w), np.uint8)
    axes = (max(1, int(w * enlarge / 2)), max(1, int(h * enlarge / 2)))
    cv2.ellipse(mask, (w // 2, h // 2), axes, 0, 0, 360, 1, -1)
    return mask > 0


def _clip_box(box: Box, shape: tuple[int, ...]) -> Box:
    """The part of ``box`` inside the image; ValueError when nothing is left."""
    x, y, w, h = (int(v) for v in box)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(shape[1], x + w), min(shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {box} lies outside the {shape[1]}x{shape[0]} image")
    return x0, y0, x1 - x0, y1 - y0


def _check_rgb(rgb: np.ndarray) -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected uint8 RGB (H, W, 3), got {rgb.dtype} {rgb.shape}")
