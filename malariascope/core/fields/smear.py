"""Whether what the cell finder found in a whole field looks like a stained thin blood smear.

The finder calls anything darker than its surroundings in green light a cell, so it finds
"cells" in a photo, a chart, a screenshot or noise too, which would count towards a slide. A
smear's red cells are told by six measures, each with a wide margin between the 30 IML fields
(P. vivax, 1280 x 960; the generated fields of the tests alike) and a circuit-board photo, a
chart, a screenshot of this app, random noise of 0.5 to 12 megapixels, smoothed noise and a
photo-like picture of coloured discs:

- cover: a field's cells cover at least 26 % of the picture (beyond a field stop or caption
  left out); a chart's marks 1 %, a screenshot's 5 % (refused by spread and glass too).
  Limit 6 %: a field sparser than that, some twenty cells, is refused too.
- contrast: a red cell takes at least a quarter of the green light (median 0.25 to 0.82);
  smoothed noise 0.06 to 0.13. Limit 0.15.
- colour: haemoglobin and eosin take more green light than red, so red cells pass more red
  than green, relative to the glass: 0.06 to 0.46 more; a board photo -0.21, a chart -0.19.
  Limit 0.
- specks: pieces under 0.3 of a cell's area are at most 1 % of the cells' area; noise is 16
  to 19 % specks. Limit 5 %.
- size spread: the areas of a field's found cells vary by 0.09 to 0.32 (standard deviation
  over mean); a screenshot 0.50, photo-like discs 0.30 to 0.57 (12 of 16 over the limit,
  the others refused by cover, colour or glass). Limit 0.45: the finder's own area limits
  (0.65 to 2.5 cells) leave little room.
- glass: a smear is cells on clean glass, at most 0.3 % of it neither (darker than half the
  cells' median darkness, yet not a cell); noise 45 %, the board 29 %, a screenshot 39 %,
  a chart 7 %, photo-like discs 4.5 % and more, smoothed noise lit unevenly 17 % and more.
  Limit 4 %, leaving room for a few white cells, clumps or stain precipitate in a field.

10 to 30 ms a 1280 x 960 field (1 to 2 % of screening it), on the finder's segmentation.
The check is the screening's (``core.screening``), not the finder's, so a reader's annotated
boxes are still cropped from any image.
"""

from __future__ import annotations

import cv2
import numpy as np

from malariascope.core.fields.cells import FieldCell, Segmentation
from malariascope.core.withoutcall import NOT_A_SMEAR

MIN_REDDER = 0.0  #: red transmission over green transmission of the cells, relative to glass
MIN_COVER = 0.06  #: share of the picture the cells cover
MAX_SPECKS = 0.05  #: share of the cells' area in pieces under ``SPECK`` cells
SPECK = 0.3  #: a piece under this share of a cell's area is a speck
MIN_CONTRAST = 0.15  #: median share of the green light the cells take
MAX_SPREAD = 0.45  #: standard deviation over mean of the found cells' areas
MAX_BETWEEN = 0.04  #: share of the picture neither cell nor glass
_SPECK_RADIUS = 8  #: cell radius (px) at which specks are counted: a large field is subsampled


def smear_doubt(rgb: np.ndarray, seg: Segmentation, cells: list[FieldCell]) -> str:
    """Why the cells found in the field ``rgb`` are not a stained thin smear's, or ''.

    ``seg`` is the field's segmentation and ``cells`` what ``find_cells`` found in it; a
    field with no cell found is left to say so itself.
    """
    if not cells:
        return ""
    picture = np.ones(seg.cells.shape, bool) if seg.cut is None else ~seg.cut
    area = max(1, int(picture.sum()))
    found = seg.cells & picture
    cover = float(found.sum()) / area
    if cover < MIN_COVER:
        return (f"{NOT_A_SMEAR}what looks like cells covers {cover:.0%} of it, where a smear's "
                f"red cells cover over {MIN_COVER:.0%}")
    if seg.level < MIN_CONTRAST:
        return (f"{NOT_A_SMEAR}what looks like cells takes {seg.level:.0%} of the green light, "
                f"where red cells take over {MIN_CONTRAST:.0%}")
    # glass: outside cells, taking under half the cells' median darkness
    glass = ~seg.cells & picture & (seg.darkness < 0.5 * seg.level)
    if _redder(rgb, found, glass) <= MIN_REDDER:
        return (f"{NOT_A_SMEAR}what looks like cells is no redder than its background, "
                "as stained red cells on glass are")
    specks = _specks(found, seg.radius)
    if specks > MAX_SPECKS:
        return (f"{NOT_A_SMEAR}{specks:.0%} of what looks like cells is specks far smaller "
                f"than a cell, as in noise")
    areas = np.array([cell.mask.sum() for cell in cells], float)
    spread = float(areas.std() / areas.mean())
    if spread > MAX_SPREAD:
        return (f"{NOT_A_SMEAR}what looks like cells varies in size by {spread:.0%}, where "
                f"a smear's red cells vary by under {MAX_SPREAD:.0%}")
    between = 1.0 - cover - float(glass.sum()) / area  # glass and cells never overlap
    if between > MAX_BETWEEN:
        return (f"{NOT_A_SMEAR}{between:.0%} of it is neither like cells nor like clean glass, "
                f"where a smear's red cells lie on glass (under {MAX_BETWEEN:.0%} between)")
    return ""


def _redder(rgb: np.ndarray, found: np.ndarray, glass: np.ndarray) -> float:
    """How much more of the red light than of the green the ``found`` cells let through,
    relative to the ``glass`` around them."""
    if not glass.any():
        return 0.0
    cells = cv2.meanStdDev(rgb, mask=found.astype(np.uint8))[0].ravel()[:2]
    clear = cv2.meanStdDev(rgb, mask=glass.astype(np.uint8))[0].ravel()[:2]
    red, green = cells / np.maximum(clear, 1.0)
    return float(red - green)


def _specks(found: np.ndarray, radius: float) -> float:
    """The share of ``found`` in 4-connected pieces under :data:`SPECK` of a cell's area,
    subsampled to cells of radius about :data:`_SPECK_RADIUS`: labelling a whole field's
    pixels takes 15 ms."""
    step = max(1, int(radius // _SPECK_RADIUS))
    _, labels = cv2.connectedComponents(
        np.ascontiguousarray(found[::step, ::step]).astype(np.uint8), connectivity=4)
    areas = np.bincount(labels.ravel())[1:]  # the bundle's OpenCV is checked for these calls
    total = int(areas.sum())
    limit = SPECK * np.pi * (radius / step) ** 2
    return float(areas[areas < limit].sum()) / total if total else 0.0
