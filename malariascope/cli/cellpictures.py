"""Screened cells' pixels read back from their image files, for overlays and the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from malariascope.cli._common import problem
from malariascope.core.errors import ImageReadError
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import ScreeningResult, cell_pixels


class CellPictures:
    """The pixels of each screened cell; a file is read once for all its cells (a whole
    field). A file that no longer reads (changed since it was screened) costs one line on
    stderr naming the file as ``names`` does and saying what is lost: ``lost`` (e.g. "no
    Grad-CAM")."""

    def __init__(self, lost: str, names: Callable[[Path], str]) -> None:
        self.lost, self.names = lost, names
        self._path: Path | None = None
        self._image: np.ndarray | None = None

    def of(self, result: ScreeningResult) -> np.ndarray | None:
        """The cell of ``result`` (a view into its image); None when the file cannot be read."""
        if result.path != self._path:
            self._path, self._image = result.path, None
            try:
                self._image = read_image(result.path)
            except ImageReadError as exc:
                problem(f"{self.names(result.path)}: {self.lost}: {exc}")
        return None if self._image is None else cell_pixels(result, self._image)
