"""Grad-CAM overlay PNGs for ``classify --gradcam DIR``, one per cell screened.

An overlay's name holds its image's hash, known only once the image is read, so an existing
file of that name is found as the overlay is written, not before the batch: without
``--overwrite`` it is kept, and the overlays not written for it are told at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from malariascope.cli._common import problem
from malariascope.cli.cellpictures import CellPictures
from malariascope.core.atomic import why, write_bytes_atomic
from malariascope.core.classifier import CallRule
from malariascope.core.discovery import overlay_name
from malariascope.core.gradcam import heatmap, overlay
from malariascope.core.imageio import encode_png
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.words import counted

#: bytes of an image's name kept in its overlays' names: with the hash, the cell's number and
#: "_gradcam.png" they stay within the 255 a file name may have
STEM_BYTES = 200


class Overlays:
    """Writes one Grad-CAM overlay PNG per cell, named after the image, its hash and the cell's
    number in a field (names may repeat); a field is read once for all its cells.

    An overlay that cannot be written (a full disk, the folder gone) stops the overlays with one
    line on stderr, and screening goes on: the report matters more than the pictures. A file
    already at an overlay's name is replaced only when ``overwrite``.
    """

    def __init__(self, folder: Path, rule: CallRule, names: Callable[[Path], str],
                 overwrite: bool = False) -> None:
        self.folder, self.rule, self.overwrite = folder, rule, overwrite
        self.stopped = False
        self.kept: list[Path] = []  #: existing files an overlay was not written over
        self._met: set[Path] = set()  # written or kept: copies of one image share the names
        self._cells = CellPictures("no Grad-CAM", names)

    def write(self, result: ScreeningResult) -> None:
        """Write the overlay of one screened cell (nothing once stopped)."""
        target = self.folder / overlay_name(_shortened(result.path.stem), result.sha256,
                                            result.cell_index)
        if self.stopped or target in self._met:
            return
        self._met.add(target)
        cell = self._cells.of(result)
        if cell is None:
            return
        positive = self.rule.suspect(result.probability, result.in_field)
        heat = heatmap(result.class_map, cell.shape, positive=positive)
        try:
            write_bytes_atomic(target, encode_png(overlay(cell, heat)), self.overwrite)
        except FileExistsError:
            self.kept.append(target)
        except OSError as exc:
            self.stopped = True
            problem(f"malariascope: warning: cannot write {target}: {why(exc)}; "
                    "no more Grad-CAM overlays in this batch, screening goes on")

    @property
    def incomplete(self) -> bool:
        """Some overlays were not written: stopped, or kept from an existing file."""
        return self.stopped or bool(self.kept)

    def tell_kept(self) -> None:
        """One line on stderr when existing files kept some overlays from being written."""
        if self.kept:
            kept = counted(len(self.kept), "Grad-CAM overlay")
            problem(f"malariascope: warning: {kept} not written, as files of their names exist "
                    f"and were kept (such as {self.kept[0]}); pass --overwrite to replace them")


def _shortened(stem: str) -> str:
    """``stem`` cut to :data:`STEM_BYTES` bytes in UTF-8 (a character split there is left
    out); the hash beside it in the name tells two images cut to one name apart."""
    encoded = stem.encode("utf-8", "surrogateescape")
    return stem if len(encoded) <= STEM_BYTES else encoded[:STEM_BYTES].decode("utf-8", "ignore")
