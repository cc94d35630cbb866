"""The few labelled-region operations the field segmentation needs, on OpenCV and numpy.

They match ``scipy.ndimage`` (``label``, ``find_objects``, ``binary_fill_holes``, ``maximum``
with their default 4-connected structure; the tests compare them) so that whole fields can be
screened in the app bundle, which leaves SciPy out (about 30 MB).
"""

from __future__ import annotations

import cv2
import numpy as np


def label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Int32 labels of the 4-connected regions of ``mask`` (raster order), and their count."""
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=4,
                                            ltype=cv2.CV_32S)
    return labels, count - 1


def find_objects(labels: np.ndarray) -> list[tuple[slice, slice] | None]:
    """The bounding window of each label 1..max (None for a label that does not occur)."""
    size = int(labels.max(initial=0)) + 1
    rows, cols = np.nonzero(labels)
    found = labels[rows, cols]
    low_r, low_c = np.full(size, labels.shape[0]), np.full(size, labels.shape[1])
    high_r, high_c = np.full(size, -1), np.full(size, -1)
    np.minimum.at(low_r, found, rows)
    np.minimum.at(low_c, found, cols)
    np.maximum.at(high_r, found, rows)
    np.maximum.at(high_c, found, cols)
    return [(slice(int(low_r[i]), int(high_r[i]) + 1), slice(int(low_c[i]), int(high_c[i]) + 1))
            if high_r[i] >= 0 else None for i in range(1, size)]


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every background region that does not reach the image border filled."""
    padded = np.pad(mask.astype(np.uint8), 1)
    flood = np.zeros((padded.shape[0] + 2, padded.shape[1] + 2), np.uint8)
    cv2.floodFill(padded, flood, (0, 0), 1, flags=4)  # outside: all background reached
    return mask.astype(bool) | (padded[1:-1, 1:-1] == 0)


def label_maximum(values: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """The largest of ``values`` within each label 1..count (0 where a label is absent)."""
    result = np.zeros(count + 1, values.dtype)
    inside = labels > 0
    np.maximum.at(result, labels[inside], values[inside])
    return result[1:]


def largest_piece(mask: np.ndarray) -> np.ndarray:
    """The largest 4-connected region of ``mask`` (all False when ``mask`` is empty)."""
    pieces, count = label(mask)
    if count <= 1:
        return pieces > 0
    sizes = np.bincount(pieces.ravel())
    sizes[0] = 0
    return pieces == sizes.argmax()
