"""Screened cells' pixels read back from their image files, for overlays and the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from malariascope.cli._common import problem
from malariascope.core.errors import ImageReadError
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.reread import ScreenedImages


class CellPictures:
    """The pixels of each screened cell; a file is read once for all its cells (a whole
    field). A file that no longer reads, or holds other bytes than screened, costs one line on
    stderr naming the file as ``names`` does and saying what is lost: ``lost`` (e.g. "no
    Grad-CAM")."""

    def __init__(self, lost: str, names: Callable[[Path], str]) -> None:
        self.lost, self.names = lost, names
        self._images = ScreenedImages()
        self._told: Path | None = None  # the last file said to be unreadable

    def of(self, result: ScreeningResult) -> np.ndarray | None:
        """The cell of ``result`` (a view into its image); None when the file cannot be read
        or is no longer the one screened."""
        try:
            return self._images.cell(result)
        except ImageReadError as exc:
            if result.path != self._told:
                self._told = result.path
                problem(f"{self.names(result.path)}: {self.lost}: {exc}")
            return None
