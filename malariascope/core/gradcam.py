"""Grad-CAM as small pure functions: class map -> heatmap at the image's size -> overlay.

The class map comes from the backend (``sum_k w_k A_k``). The heatmap of *parasitized* is its
positive part; that of *uninfected* is the positive part of its negation. Nothing here plots or
writes files.
"""

from __future__ import annotations

import cv2
import numpy as np


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


def overlay(image: np.ndarray, heat: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """Blend a JET-coloured ``heat`` over an RGB ``uint8`` image; returns RGB ``uint8``."""
    if heat.shape != image.shape[:2]:
        raise ValueError(f"heatmap {heat.shape} does not match image {image.shape[:2]}")
    colours = cv2.applyColorMap((heat * 255).astype(np.uint8), cv2.COLORMAP_JET)
    colours = cv2.cvtColor(colours, cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(image, 1.0 - alpha, colours, alpha, 0.0)
