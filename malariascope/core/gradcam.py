"""Grad-CAM as small pure functions: class map -> heatmap at the image's size -> overlay.

The class map comes from the backend (``sum_k w_k A_k``). The heatmap of *parasitized* is its
positive part; that of *uninfected* is the positive part of its negation. It is upsampled
bilinearly to the cell's own pixels and coloured on inferno, inside the cell only. Nothing here
plots or writes files.
"""

from __future__ import annotations

import cv2
import numpy as np

CELL_DARKEST = 12  # brightest channel at or below this: the black around a segmented cell


def heatmap(
    class_map: np.ndarray, image_shape: tuple[int, ...], positive: bool = True
) -> np.ndarray:
    """``float32`` heatmap in [0, 1] of shape ``image_shape[:2]``.

    The model saw the image padded to a square, so the map is resized to that square and the
    padding cropped away again. An all-zero map stays zero (no division by zero).
    """
    cam = np.maximum(class_map if positive else -class_map, 0.0).astype(np.float32)
    peak = float(cam.max())
    if peak > 0:
        cam /= peak
    height, width = image_shape[:2]
    side = max(height, width)
    square = cv2.resize(cam, (side, side), interpolation=cv2.INTER_LINEAR)
    top, left = (side - height) // 2, (side - width) // 2
    return np.clip(square[top : top + height, left : left + width], 0.0, 1.0)


def heat_colours(heat: np.ndarray) -> np.ndarray:
    """RGB ``uint8`` colours of a heatmap in [0, 1] on the inferno map: perceptually uniform,
    dark to bright, so "more" reads as brighter in colour and in grey alike (jet does not)."""
    levels = (np.clip(heat, 0.0, 1.0) * 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(levels, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)


def cell_mask(image: np.ndarray, darkest: int = CELL_DARKEST) -> np.ndarray:
    """``bool`` HxW: the cell's own pixels, leaving out the black background segmented cells
    come on (a cell cut from a whole field has none: all of it is kept)."""
    mask = image.max(axis=2) > darkest
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return opened.astype(bool) if opened.any() else mask


def overlay(image: np.ndarray, heat: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """Blend the inferno-coloured ``heat`` over an RGB ``uint8`` image, inside the cell only
    (:func:`cell_mask`): colour on the black background would draw a shape that is not there.
    Returns RGB ``uint8``."""
    if heat.shape != image.shape[:2]:
        raise ValueError(f"heatmap {heat.shape} does not match image {image.shape[:2]}")
    blended = cv2.addWeighted(image, 1.0 - alpha, heat_colours(heat), alpha, 0.0)
    return np.where(cell_mask(image)[..., None], blended, image)
