"""Split the cell mask into one region per cell: marker-controlled watershed by flooding.

Touching cells are split where the mask narrows (the distance map has a saddle there).
Overlapping cells in crowded smears show no narrowing, only the darker membrane line where
they overlap; for regions too big or too concave to be one cell, markers and flooding follow the
mask with those lines removed instead. A region the membrane lines cannot split into at least
two markers keeps its single marker, so an enlarged infected cell with stippling or parasite
structures inside is not cut into pieces. Where dark marks crowd an area (Schüffner's
stippling, a gametocyte's pigment) they are no membrane lines at all, so such a cell keeps a
solid core and its own marker instead of being shared out among the cells touching it.
Finally, two neighbouring pieces whose union is small and convex are merged back: they were
one cell cut along its pallor or a parasite; and the shape rules of ``shapes`` cut regions too
big for one cell, join an enlarged cell's pieces and give a concave region's arms back to the
neighbour they belong to.

The flooding runs at a reduced scale (about 16 px per cell radius): splitting needs no finer
detail, and it keeps a 1280x960 field well under a second on one core.
"""

from __future__ import annotations

import cv2
import numpy as np

from malariascope.core.cancelling import checkpoint
from malariascope.core.fields.mask import FieldParams, disk
from malariascope.core.fields.regions import find_objects, label, label_maximum
from malariascope.core.fields.shapes import (
    cut_oversized,
    join_enlarged,
    neighbours,
    return_arms,
    solidity,
    union_window,
)

_CROSS = np.ones((3, 3), np.uint8)


def split_cells(cells: np.ndarray, lines: np.ndarray, radius: float,
                params: FieldParams) -> np.ndarray:
    """Int32 labels (0 = background) of the cells in ``cells``, each region one cell."""
    height, width = cells.shape
    scale = max(1, int(round(radius / 16)))
    size = (max(1, width // scale), max(1, height // scale))
    small = cv2.resize(cells.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    small_lines = cv2.resize(lines.astype(np.uint8), size, interpolation=cv2.INTER_AREA) > 0
    labels = _split_small(small, small_lines, radius / scale, params)
    full = cv2.resize(labels.astype(np.float32), (width, height), interpolation=cv2.INTER_NEAREST)
    return np.where(cells, full.astype(np.int32), 0)


def _split_small(cells: np.ndarray, lines: np.ndarray, radius: float,
                 params: FieldParams) -> np.ndarray:
    """Split by mask shape, then re-split clumps along membrane lines."""
    dist = _distance(cells)
    peaks = _peaks(dist, radius, params)
    labels = flood(dist, label(peaks)[0], cells, params.levels)
    clump = _clumps(labels, np.pi * radius**2, params)
    if not clump.any():
        return _by_size(labels, np.pi * radius**2, params)
    membranes = lines & ~_crowded(lines, radius, params)
    core = cv2.morphologyEx((cells & ~membranes).astype(np.uint8), cv2.MORPH_OPEN, disk(3)) > 0
    core_dist = _distance(core)
    core_peaks = _peaks(core_dist, radius, params) & clump[labels]
    clump &= _markers_per_region(labels, core_peaks) >= 2
    inside = clump[labels]
    markers = label((peaks & ~inside) | (core_peaks & inside))[0]
    labels = flood(np.where(inside, core_dist, dist), markers, cells, params.levels)
    return _by_size(labels, np.pi * radius**2, params)


def _crowded(lines: np.ndarray, radius: float, params: FieldParams) -> np.ndarray:
    """Where line pixels cover more than ``stipple`` of the window around them: a membrane is
    a line, so it covers a small share of any window a cell wide; stippling fills one."""
    size = max(3, int(params.stipple_window * radius) | 1)
    return cv2.blur(lines.astype(np.float32), (size, size)) > params.stipple


def _by_size(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """Merge pieces of one cell, cut regions too big for one, join an enlarged cell's pieces,
    give arms back to the cell they belong to, split regions holding two cell centres."""
    labels = merge_fragments(labels, cell_area, params)
    labels = join_enlarged(cut_oversized(labels, cell_area, params), cell_area, params)
    checkpoint()
    labels = return_arms(labels, cell_area, params)
    checkpoint()
    return split_twins(labels, cell_area, params)


def flood(height: np.ndarray, markers: np.ndarray, mask: np.ndarray, levels: int) -> np.ndarray:
    """Grow ``markers`` inside ``mask``, highest ``height`` first (a watershed by flooding).

    At each level the labels grow pixel by pixel into the newly allowed area until nothing
    changes, so basins meet at the lowest ridge between them. Where two labels meet on a level
    the larger label number wins by a pixel, which does not matter at this scale.
    """
    labels = markers.astype(np.float32)
    for level in np.linspace(float(height.max()), 0.0, levels + 1)[1:]:
        checkpoint()
        allowed = mask & (height >= level)
        for _ in range(60):
            grown = cv2.dilate(labels, _CROSS)
            new = allowed & (labels == 0) & (grown > 0)
            if not new.any():
                break
            labels[new] = grown[new]
    return labels.astype(np.int32)


def _distance(mask: np.ndarray) -> np.ndarray:
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    return cv2.GaussianBlur(dist, (0, 0), 1)


def _peaks(dist: np.ndarray, radius: float, params: FieldParams) -> np.ndarray:
    """Local maxima deep enough to be a cell centre and far enough from a stronger one."""
    top = cv2.dilate(dist, disk(params.window * radius))
    return (dist >= top - 1e-3) & (dist > params.peak * radius)


def _clumps(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """Per label: True when the region looks like several cells (huge, or big and concave)."""
    result = np.zeros(int(labels.max()) + 1, bool)
    for index, box in enumerate(find_objects(labels), 1):
        if box is None:
            continue
        region = labels[box] == index
        area = int(region.sum())
        result[index] = area > params.huge_area * cell_area or (
            area > params.clump_area * cell_area and solidity(region) < params.convex)
    return result


def _markers_per_region(labels: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """How many separate marker blobs of ``peaks`` fall in each region of ``labels``."""
    blobs, count = label(peaks)
    if count == 0:
        return np.zeros(int(labels.max()) + 1, int)
    region_of_blob = label_maximum(labels, blobs, count).astype(int)
    return np.bincount(region_of_blob, minlength=int(labels.max()) + 1)


def merge_fragments(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """Merge neighbouring regions whose union looks like one cell (small and convex).

    Undoes the splitting of one cell into two pieces (pallor or parasite lines taken for
    membranes); two real cells side by side make a union that is too big or pinched at the neck.
    Two concave pieces are held to a lower bar: each is hollowed where the line cut it.
    """
    windows = find_objects(labels)
    candidates = []
    for a, b in neighbours(labels):
        checkpoint()
        window = union_window(windows[a - 1], windows[b - 1])
        union = np.isin(labels[window], (a, b))
        if union.sum() <= params.merge_area * cell_area:
            score = solidity(union)
            halves = max(solidity(labels[window] == a),
                         solidity(labels[window] == b)) < params.halves_convex
            if score >= (params.halves_solidity if halves else params.merge_solidity):
                candidates.append((score, a, b))
    merged = labels.copy()
    used: set[int] = set()
    for _, a, b in sorted(candidates, reverse=True):
        if a not in used and b not in used:
            merged[labels == b] = a
            used.update((a, b))
    return merged


def split_twins(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """``labels`` with each region whose own distance map holds two cell centres at least
    ``twin_apart`` radii apart split between them (two cells merged along a broad front), when
    both parts are at least ``min_area`` cells."""
    radius = np.sqrt(cell_area / np.pi)
    smallest = params.min_area * cell_area
    result = labels.copy()
    new = int(labels.max()) + 1
    for index, window in enumerate(find_objects(labels), 1):
        checkpoint()
        if window is None:
            continue
        region = np.pad(labels[window] == index, 1)
        if region.sum() < 2 * smallest:
            continue
        parts = _twin_parts(region, radius, params)
        if parts is not None and min((parts == 1).sum(), (parts == 2).sum()) >= smallest:
            result[window][parts[1:-1, 1:-1] == 2] = new
            new += 1
    return result


def _twin_parts(region: np.ndarray, radius: float, params: FieldParams) -> np.ndarray | None:
    """``region`` flooded from its two deepest centres (labels 1 and 2), or None when it has no
    two centres ``twin_apart`` radii apart."""
    dist = cv2.distanceTransform(region.astype(np.uint8), cv2.DIST_L2, 5)
    blobs, count = label(_peaks(dist, radius, params))
    if count < 2:
        return None
    first, second = np.argsort(-label_maximum(dist, blobs, count))[:2] + 1
    apart = np.argwhere(blobs == first).mean(axis=0) - np.argwhere(blobs == second).mean(axis=0)
    if np.hypot(*apart) < params.twin_apart * radius:
        return None
    markers = np.where(blobs == first, 1, 0) + np.where(blobs == second, 2, 0)
    return flood(dist, markers.astype(np.int32), region, params.levels)
