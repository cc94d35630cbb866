"""Shape rules that correct the watershed's regions with the cell size measured in each field.

The watershed splits where the mask narrows or a membrane line runs. It cannot part cells that
meet along a broad front: a region larger than any one cell (``max_area``) holds several. It is
cut along its narrowest chord that leaves two pieces of at least a small cell (``min_area``),
again while a piece is too large. Without the cut such a region is dropped as a clump, with the
cells in it.
"""

from __future__ import annotations

import cv2
import numpy as np

from malariascope.core.fields.mask import FieldParams
from malariascope.core.fields.regions import find_objects

_CROSS = np.ones((3, 3), np.uint8)
#: Contours are thinned to about this many points before chords are compared (all pairs).
_CONTOUR_POINTS = 200


def solidity(region: np.ndarray) -> float:
    """Area over convex-hull area of a binary region: 1 for a disc, lower for a clump."""
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.contourArea(cv2.convexHull(max(contours, key=cv2.contourArea)))
    return float(region.sum()) / max(hull, 1.0)


def neighbours(labels: np.ndarray) -> set[tuple[int, int]]:
    """Pairs ``(a, b)``, ``a < b``, of labels that touch (8-connected)."""
    grown = cv2.dilate(labels.astype(np.float32), _CROSS).astype(np.int32)
    touch = (grown != labels) & (labels > 0)
    return {(min(a, b), max(a, b))
            for a, b in zip(labels[touch].tolist(), grown[touch].tolist(), strict=True)}


def union_window(*windows: tuple[slice, slice]) -> tuple[slice, slice]:
    """The smallest window holding all of ``windows``."""
    rows = slice(min(w[0].start for w in windows), max(w[0].stop for w in windows))
    return rows, slice(min(w[1].start for w in windows), max(w[1].stop for w in windows))


def cut_oversized(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """``labels`` with every region above ``max_area`` cells cut at its narrowest necks."""
    areas = np.bincount(labels.ravel())
    largest, smallest = params.max_area * cell_area, params.min_area * cell_area
    windows = find_objects(labels)
    todo = [(i, windows[i - 1]) for i in np.flatnonzero(areas > largest) if i > 0]
    labels = labels.copy()
    new = int(labels.max()) + 1
    while todo:
        index, window = todo.pop()
        region = labels[window] == index
        piece = _narrowest_cut(region, smallest)
        if piece is None:
            continue
        labels[window][piece] = new
        todo += [(i, window) for i, part in ((index, region & ~piece), (new, piece))
                 if part.sum() > largest]
        new += 1
    return labels


def _narrowest_cut(region: np.ndarray, smallest: float) -> np.ndarray | None:
    """The pixels on one side of the shortest chord inside ``region`` that leaves at least
    ``smallest`` px on either side; None when there is no such chord."""
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    outline = max(contours, key=cv2.contourArea)[:, 0, :]
    points = outline[::max(1, len(outline) // _CONTOUR_POINTS)].astype(np.float64)
    if len(points) < 4:
        return None
    x, y = points[:, 0], points[:, 1]
    # the area enclosed by points i..j and the chord j->i, from prefix sums of the shoelace terms
    twice = np.concatenate([[0.0], np.cumsum(x * np.roll(y, -1) - np.roll(x, -1) * y)])
    i, j = np.triu_indices(len(points), 2)
    side = np.abs(twice[j] - twice[i] + x[j] * y[i] - x[i] * y[j]) / 2
    other = abs(twice[-1]) / 2 - side
    length = np.hypot(x[i] - x[j], y[i] - y[j])
    length[np.minimum(side, other) < smallest] = np.inf
    for k in np.argsort(length)[:40]:
        if not np.isfinite(length[k]):
            return None
        if _inside(region, points[i[k]], points[j[k]]):
            polygon = np.zeros(region.shape, np.uint8)
            cv2.fillPoly(polygon, [points[i[k]:j[k] + 1].round().astype(np.int32)], 1)
            return region & (polygon > 0)
    return None


def _inside(region: np.ndarray, start: np.ndarray, end: np.ndarray) -> bool:
    """True when the chord from ``start`` to ``end`` runs inside ``region`` (ends excluded)."""
    xs, ys = (np.rint(start[None] + np.linspace(0.15, 0.85, 9)[:, None] * (end - start)[None])
              .astype(int).T)
    return bool(region[ys, xs].all())
