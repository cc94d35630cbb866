"""Bring images deeper than 8 bits (16- and 32-bit integers, floats) to 8 bits, by the range
their values really use.

A camera that records 12 bits stores 0-4095 in a 16-bit file, and image software saves floats
holding 0-255 as often as 0-1; scaled by the type's full range such images came out black, or
clipped to black and white, and were called all the same. So the values are scaled from the
smallest whole number of bits that holds their maximum (at least 8: data within 0-255 is kept
as it is), and floats whose maximum is at most 1 from 0-1. The range is not stretched to the
values' own minimum and maximum: that would change the colours the model reads. Values below 0,
and NaN or infinite ones, have no brightness to scale: such an image is refused.

The conversion runs a band of rows at a time, so a large image costs its 8-bit copy and a few
MB more, not float copies of itself.
"""

from __future__ import annotations

import numpy as np

from malariascope.core.errors import ImageReadError

BAND_VALUES = 2**20  # values converted at once


def to_uint8(image: np.ndarray) -> np.ndarray:
    """``image`` (any integer or float type) as ``uint8``; 8-bit images are returned as they
    are. Raises ``ImageReadError`` for values below 0, NaN or infinite."""
    if image.dtype == np.uint8:
        return image
    scale = 255.0 / top_of_range(image)
    out = np.empty(image.shape, np.uint8)
    rows = max(1, BAND_VALUES // max(1, image[0].size))
    for start in range(0, image.shape[0], rows):
        band = image[start:start + rows].astype(np.float32) * np.float32(scale)
        np.clip(band + np.float32(0.5), 0.0, 255.0, out=band)
        out[start:start + rows] = band
    return out


def top_of_range(image: np.ndarray) -> float:
    """The value that becomes 255: 1.0 for floats within 0-1, else ``2**bits - 1`` for the
    fewest bits (at least 8) that hold the image's maximum."""
    low, high = image.min(), image.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ImageReadError(f"{image.dtype} pixel values that are not numbers (NaN or "
                             "infinite): no brightness to read")
    if low < 0:
        raise ImageReadError(f"negative {image.dtype} pixel values (down to {low:g}): not an "
                             "image of brightness")
    if np.issubdtype(image.dtype, np.floating) and high <= 1.0:
        return 1.0
    return float(2 ** max(8, int(high).bit_length()) - 1)
