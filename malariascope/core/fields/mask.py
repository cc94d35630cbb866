"""Which pixels of a field belong to red cells, and how big a cell is.

Giemsa-stained cells absorb green light whatever the stain's hue (grey-violet, pink or deep
magenta), so the green channel divided by a local estimate of the empty background gives a
"darkness" that is 0 on glass and grows inside cells, independent of uneven illumination and of
the stain colour. Everything in this module works on that map.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from malariascope.core.cancelling import checkpoint
from malariascope.core.fields.regions import fill_holes, label, label_maximum


@dataclass(frozen=True)
class FieldParams:
    """Tunable facts of the segmentation; lengths are in cell radii unless named ``_px``.

    The defaults were tuned on the 30 IML-Malaria fields (P. vivax, 1280x960, cells about
    70-80 px across) and are scale-free apart from the ``_px`` ones: those fields scaled from
    half to five times their size (cells 35 to 400 px across) give the same cells. A sweep of
    each parameter in turn, then of the best few together, set ``radius_factor``, ``strong``,
    ``ridge`` and ``levels``: precision 0.853 -> 0.875 with recall 0.953 -> 0.955, fewer false
    cells in 24 of 30 fields and more in 2; the other parameters moved either figure by under a
    point. ``radius_factor`` and ``min_area`` were set again when the radius estimate began to
    count each distance maximum once (see ``cell_radius``).
    """

    cell_radius: float | None = None  #: px; None estimates it from the field
    radius_factor: float = 0.93  #: estimated radius = factor x median inscribed radius
    weak: float = 0.5  #: edge threshold, fraction of the Otsu level of darkness
    strong: float = 0.85  #: body threshold, fraction of the Otsu level
    edge_px: int = 2  #: how far weak pixels may extend a strong body (soft cell edges)
    ink: float = 0.35  #: brightness below this fraction of glass is ink (scale bar, text)
    hole: float = 0.6  #: holes smaller than this x cell area are central pallor, filled
    ridge: float = 0.06  #: membrane line = top-hat darkness above this x cells' median darkness
    ridge_px: int = 11  #: width of the top-hat that finds membrane lines
    #: membrane-line pixels covering more than ``stipple`` of a square ``stipple_window`` radii
    #: wide are a parasitized cell's stippling or pigment, not membranes (see ``split``). On the
    #: 30 IML fields, 0.41-0.43 at 1.3 radii and 0.42 at 1.2-1.4 radii find 53-54 of the 57
    #: infected cells (51 without the rule), with recall 0.960-0.961 and precision among
    #: annotated cells 0.934-0.936 (0.960 and 0.934 without)
    stipple: float = 0.42
    stipple_window: float = 1.3
    peak: float = 0.35  #: a marker must be this deep inside the mask (x radius)
    window: float = 0.7  #: markers at least this far apart (x radius)
    clump_area: float = 1.6  #: a concave region above this x cell area may hold several cells
    huge_area: float = 2.2  #: a region above this x cell area surely holds several cells
    convex: float = 0.9  #: solidity under which a region counts as concave
    merge_area: float = 1.6  #: neighbours whose union is at most this x cell area ...
    merge_solidity: float = 0.93  #: ... and at least this convex are one cell cut in two
    #: two concave pieces (each under ``halves_convex``) are the halves of one cell cut along a
    #: parasite when their union is at least ``halves_solidity`` convex: whole cells side by side
    #: are each convex. On the 30 IML fields, precision among annotated cells 0.9360 -> 0.9365,
    #: recall 0.9625 -> 0.9628, 54 of 57 infected cells (0.9357 at 0.95 / 0.90)
    halves_convex: float = 0.92
    halves_solidity: float = 0.88
    #: touching pieces whose union is at least this x cell area, ``merge_solidity`` convex and
    #: at most ``round_elongation`` long for its width are one enlarged (infected) cell: two
    #: overlapping healthy cells that round make a union of at most 1.3 cells
    enlarged_area: float = 1.9
    round_elongation: float = 1.25
    #: a part of a concave region (``convex``) where no disc ``arm_width`` radii across fits,
    #: of at least ``arm_area`` x cell area, is an arm: a sliver of the neighbouring cell (see
    #: ``shapes``). On the 30 IML fields, precision among annotated cells 0.932 without arms
    #: returned; 0.934 / 0.936 / 0.936 at widths 0.8 / 1.0 / 1.2, and 0.936 / 0.936 / 0.935 /
    #: 0.933 at areas 0.1 / 0.15 / 0.2 / 0.3, recall 0.959-0.961, 54 of 57 infected cells
    arm_width: float = 1.0
    arm_area: float = 0.15
    #: an arm goes to a neighbour only where that neighbour lies along at least this share of
    #: the arm's rim (real arms: 0.2-0.5; a tip touching a cell on a pixel stays); at 0.1 the
    #: 30 IML fields' figures are unchanged
    arm_touch: float = 0.1
    #: a region whose distance map peaks (``peak``, ``window``) at two points at least this far
    #: apart holds two cells and is split between them. On the 30 IML fields, precision among
    #: annotated cells 0.9353 without the split; 0.9332 / 0.9354 / 0.9360 / 0.9357 / 0.9357 at
    #: 1.0 / 1.2 / 1.3 / 1.4 / 1.5, recall 0.9610 -> 0.9619-0.9625, 54 of 57 infected cells
    twin_apart: float = 1.3
    #: smaller regions are debris or fragments (x cell area; a median cell is ~1.4). With
    #: ``radius_factor`` 0.93, 0.6 / 0.65 / 0.7 give precision 0.876 / 0.881 / 0.886 and recall
    #: 0.956 / 0.956 / 0.952 on the 30 IML fields
    min_area: float = 0.65
    max_area: float = 2.5  #: larger regions are clumps or white cells (x cell area)
    darkest: float = 1.7  #: regions darker than this x median cell are nuclei or stain clumps
    glass: float = 0.3  #: pixels paler than this x median cell darkness are bare glass ...
    gap: float = 0.1  #: ... and a region with more than this fraction of them is no cell
    margin_px: int = 2  #: a region this close to the image edge is a cut-off cell
    ink_rim_px: int = 2  #: pixels this close to ink or to the area outside the picture are no cell
    levels: int = 16  #: flooding levels of the watershed


def disk(diameter: float) -> np.ndarray:
    """An elliptic structuring element of odd ``diameter`` (at least 3)."""
    size = max(3, int(round(diameter)) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def darkness(rgb: np.ndarray) -> np.ndarray:
    """Float32 map in [0, 1]: how much green light a pixel absorbs relative to nearby glass."""
    green = cv2.GaussianBlur(rgb[..., 1], (0, 0), 1.0).astype(np.float32)
    return np.clip(1.0 - green / np.maximum(_glass(green), 1.0), 0.0, 1.0)


def _glass(green: np.ndarray) -> np.ndarray:
    """Brightest value within ~250 px, smoothed: the empty glass behind the cells."""
    size = (max(1, round(green.shape[1] / 4)), max(1, round(green.shape[0] / 4)))  # >= 1 px
    small = cv2.resize(green, size, interpolation=cv2.INTER_AREA)
    glass = cv2.GaussianBlur(cv2.dilate(small, disk(61)), (0, 0), 15)
    return cv2.resize(glass, (green.shape[1], green.shape[0]), interpolation=cv2.INTER_LINEAR)


def outside(rgb: np.ndarray, params: FieldParams) -> np.ndarray:
    """Near-black areas that reach the image's edge: a camera's caption strip, the dark ring
    around a circular field stop. They are no smear: left in, their darkness of 1 took Otsu's
    level for the cells' own (a 40 px caption strip under a 1280 x 960 field: 4 of its 114
    cells found). A scale bar inside the picture does not reach the edge and stays ink."""
    value = _brightness(rgb)
    black = value < params.ink * float(np.percentile(value, 90))  # the 90th: glass, not cells
    labels, count = label(black)
    if count == 0:
        return black
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    touching = np.zeros(count + 1, bool)
    touching[edge] = True
    touching[0] = False
    return touching[labels]


def foreground(rgb: np.ndarray, dark: np.ndarray, params: FieldParams,
               beyond: np.ndarray | None = None) -> np.ndarray:
    """Cell pixels: a body above most of Otsu's level, grown a little into the soft edge.

    Growing only a few pixels keeps faint plasma haze between cells from gluing them together,
    which a plain low threshold does. Very dark grey pixels (scale bar, labels) are removed, and
    so is the area ``beyond`` the picture (see :func:`outside`), from Otsu's level too.
    """
    dark8 = (dark * 255).astype(np.uint8)
    picture = dark8 if beyond is None or not beyond.any() else dark8[~beyond].reshape(-1, 1)
    otsu, _ = cv2.threshold(picture, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    weak = _opened(dark8 > otsu * params.weak)
    strong = _opened(dark8 > otsu * params.strong)
    cells = (strong | (weak & cv2.dilate(strong, disk(2 * params.edge_px + 1)))).astype(bool)
    if beyond is not None and beyond.any():
        cells &= ~near(beyond, params.ink_rim_px)
    return cells & ~_ink(rgb, cells, params)


def near(mask: np.ndarray, px: int) -> np.ndarray:
    """``mask`` grown by ``px`` pixels."""
    return cv2.dilate(mask.astype(np.uint8), disk(2 * px + 1)).astype(bool)


def _brightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.max(cv2.max(rgb[..., 0], rgb[..., 1]), rgb[..., 2])  # 10x numpy's max(axis=2)


def _opened(binary: np.ndarray) -> np.ndarray:
    return cv2.morphologyEx(binary.astype(np.uint8), cv2.MORPH_OPEN, disk(3))


def _ink(rgb: np.ndarray, cells: np.ndarray, params: FieldParams) -> np.ndarray:
    """Near-black pixels and their rim: printed scale bars and text, never stained cells."""
    value = _brightness(rgb)
    glass = float(np.median(value[~cells])) if (~cells).any() else 255.0
    return near(value < params.ink * glass, params.ink_rim_px)


def fill_small_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes up to ``max_area`` px (central pallor) but not gaps enclosed by many cells."""
    holes = fill_holes(mask) & ~mask
    labels, count = label(holes)
    if count == 0:
        return mask
    areas = np.bincount(labels.ravel(), minlength=count + 1)
    small = areas <= max_area
    small[0] = False
    return mask | small[labels]


def cell_radius(cells: np.ndarray, params: FieldParams) -> float:
    """Typical cell radius in px, from the depth of the distance map's local maxima.

    Two passes: the first (all holes filled) gives a rough size so that the second fills only
    pallor-sized holes. The median of the maxima is robust to clumps and fragments.
    """
    if params.cell_radius:
        return float(params.cell_radius)
    rough = _median_peak(fill_holes(cells))
    if rough is None:
        return 0.0
    checkpoint()
    refined = _median_peak(fill_small_holes(cells, params.hole * np.pi * rough**2))
    return params.radius_factor * (refined or rough)


def _median_peak(mask: np.ndarray) -> float | None:
    """Median depth of the distance map's maxima, each maximum counted once.

    A maximum is often a plateau or a ridge of equal depth (the medial line of an elongated
    region, a cell cut by the image edge) and covers many pixels; counted per pixel, such
    shallow ridges outvoted the cell centres of a field with cells 300 px across (radius
    13 px instead of 115).
    """
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    peaks, count = label((dist >= cv2.dilate(dist, disk(31)) - 1e-3) & (dist > 8))
    return float(np.median(label_maximum(dist, peaks, count))) if count else None


def ridges(dark: np.ndarray, cells: np.ndarray, params: FieldParams) -> np.ndarray:
    """Thin dark lines inside the cell mask: membranes where cells overlap or touch."""
    tophat = cv2.morphologyEx(dark, cv2.MORPH_TOPHAT, disk(params.ridge_px))
    level = float(np.median(dark[cells])) if cells.any() else 1.0
    return (tophat > params.ridge * level) & cells
