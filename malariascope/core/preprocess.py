"""The one preprocessing shared by training and inference (no train/serve skew).

A cell image becomes the model's input by padding it to a square with black, the background of
the NIH cell crops, so the aspect ratio is kept, then resizing with ``INTER_AREA``. Scaling of
pixel values happens inside the model (a ``Rescaling`` layer), so inputs stay ``uint8``.
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from malariascope.core.imageio import read_image

PREPROCESSING = "rgb uint8; pad to square with black keeping aspect ratio; resize INTER_AREA"


def pad_to_square(image: np.ndarray) -> np.ndarray:
    """Pad an ``(H, W, 3)`` image with black on both sides of its short axis."""
    height, width = image.shape[:2]
    side = max(height, width)
    top = (side - height) // 2
    left = (side - width) // 2
    return cv2.copyMakeBorder(
        image,
        top,
        side - height - top,
        left,
        side - width - left,
        cv2.BORDER_CONSTANT,
        value=(0, 0, 0),
    )


def to_model_input(image: np.ndarray, size: int) -> np.ndarray:
    """Turn an RGB ``uint8`` cell image of any shape into a ``(size, size, 3)`` model input."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected uint8 RGB (H, W, 3), got {image.dtype} {image.shape}")
    square = pad_to_square(image)
    if square.shape[0] == size:
        return np.ascontiguousarray(square)
    return cv2.resize(square, (size, size), interpolation=cv2.INTER_AREA)


def load_model_input(path: str | os.PathLike[str], size: int) -> np.ndarray:
    """Read a cell image file and preprocess it; raises ``ImageReadError`` on a bad file."""
    return to_model_input(read_image(path), size)
