"""Screened images read again, for a report's pictures and the Grad-CAM overlays.

A file is read again long after it was screened (a batch runs for hours), and a camera may
write a new picture under an old name: the bytes must hash to what was screened, or the
picture would show another cell under this one's name and probability.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from malariascope.core.errors import ImageChangedError, ImageReadError
from malariascope.core.imageio import decode_image, read_bytes
from malariascope.core.pipeline import cell_pixels
from malariascope.core.results import ScreeningResult


class ScreenedImages:
    """The cells of screened results, read again from their files and checked by hash. The
    last file read is kept, so the cells of one whole field, asked one after another, read
    it once."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._image: np.ndarray | ImageReadError | None = None

    def cell(self, result: ScreeningResult) -> np.ndarray:
        """The pixels ``result`` was screened from (a view into its image).

        Raises
        ------
        ImageReadError
            The file no longer reads, or (:class:`ImageChangedError`) holds other bytes.
        """
        if result.path != self._path:
            self._path, self._image = result.path, _read(result)
        if isinstance(self._image, ImageReadError):
            raise type(self._image)(str(self._image))  # a new one: each cell is its own
        return cell_pixels(result, self._image)


def _read(result: ScreeningResult) -> np.ndarray | ImageReadError:
    """The image of ``result``'s file, or the error that keeps it from being shown."""
    try:
        data = read_bytes(result.path)
        if result.sha256 and hashlib.sha256(data).hexdigest() != result.sha256:
            raise ImageChangedError("the file has changed since it was screened")
        return decode_image(data)
    except ImageReadError as exc:
        return exc
