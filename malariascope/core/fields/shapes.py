"""Shape rules that correct the watershed's regions with the cell size measured in each field.

The watershed splits where the mask narrows or a membrane line runs. It cannot part cells that
meet along a broad front, and it cuts an enlarged infected cell along its stippling or
chromatin, which look like membranes. Two rules set this right by shape and size alone (lengths
and areas relative to the field's typical cell):

- A region larger than any one cell (``max_area``) holds several. It is cut along its narrowest
  chord that leaves two pieces of at least a small cell (``min_area``), again while a piece is
  too large. Without the cut such a region is dropped as a clump, with the cells in it.
- Two or three touching regions whose union is convex, round and at least ``enlarged_area``
  cells in area are one enlarged cell (P. vivax gametocytes and schizonts reach twice a healthy
  cell's area). Two overlapping healthy cells make as convex a union, but an elongated one
  unless they nearly coincide, and then it is barely larger than one cell.
- A cell is convex, so an arm of a concave region (a part too narrow for a disc of about a
  cell radius, see ``arm_width``) is a sliver of the neighbouring cell it touches, where the
  watershed let the wrong marker take it; it goes back to that neighbour. Its box then no
  longer stretches over a neighbour, and the neighbour's box covers the whole neighbour.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from malariascope.core.cancelling import checkpoint
from malariascope.core.fields.mask import FieldParams, disk
from malariascope.core.fields.regions import find_objects, label

_CROSS = np.ones((3, 3), np.uint8)
#: Contours are thinned to about this many points before chords are compared (all pairs).
_CONTOUR_POINTS = 200
#: An arm handed over: its region, the window it was found in, its mask there, its receiver.
Move = tuple[int, tuple[slice, slice], np.ndarray, int]


def solidity(region: np.ndarray) -> float:
    """Area over convex-hull area of a binary region: 1 for a disc, lower for a clump."""
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.contourArea(cv2.convexHull(max(contours, key=cv2.contourArea)))
    return float(region.sum()) / max(hull, 1.0)


def elongation(region: np.ndarray) -> float:
    """Length over width of a binary region's inertia ellipse: 1 for a disc, 2.2 for two
    touching discs in a row."""
    rows, cols = np.nonzero(region)
    return _elongation(*_sums(cols.astype(float), rows.astype(float)))


def _sums(xs: np.ndarray, ys: np.ndarray, at: np.ndarray | None = None,
          size: int = 0) -> tuple[np.ndarray, ...]:
    """Pixel count and the sums of x, y, x², xy, y² (per label ``at`` when given): moments
    that add up over the regions of a union."""
    terms = (np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys)
    if at is None:
        return tuple(np.asarray(t.sum()) for t in terms)
    return tuple(np.bincount(at, weights=t, minlength=size) for t in terms)


def _elongation(n, sx, sy, sxx, sxy, syy) -> float:
    if n <= 0:
        return 1.0
    a, b, c = sxx / n - (sx / n) ** 2, sxy / n - sx * sy / n**2, syy / n - (sy / n) ** 2
    spread = np.hypot((a - c) / 2, b)
    return float(np.sqrt(((a + c) / 2 + spread) / max((a + c) / 2 - spread, 1e-9)))


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
        checkpoint()
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


def join_enlarged(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """``labels`` with each group of two or three touching regions that make one enlarged
    round cell joined into one region (the most convex group first)."""
    low, high = params.enlarged_area * cell_area, params.max_area * cell_area
    while True:
        checkpoint()
        rows, cols = np.nonzero(labels)
        sums = np.stack(_sums(cols.astype(float), rows.astype(float), labels[rows, cols],
                              int(labels.max()) + 1))
        windows = find_objects(labels)
        best = None
        for group in _groups(neighbours(labels)):
            total = sums[:, list(group)].sum(axis=1)  # the union's moments, no mask needed
            if not low <= total[0] <= high or _elongation(*total) > params.round_elongation:
                continue
            window = union_window(*(windows[i - 1] for i in group))
            score = solidity(np.isin(labels[window], group))
            if score >= params.merge_solidity and (best is None or score > best[0]):
                best = score, group
        if best is None:
            return labels
        labels = np.where(np.isin(labels, best[1][1:]), best[1][0], labels)


def _groups(pairs: set[tuple[int, int]]) -> set[tuple[int, ...]]:
    """Touching pairs, and triples of a region with two of its neighbours."""
    around: dict[int, set[int]] = {}
    for a, b in pairs:
        around.setdefault(a, set()).add(b)
        around.setdefault(b, set()).add(a)
    triples = {tuple(sorted((a, b, c))) for a, others in around.items()
               for b, c in itertools.combinations(sorted(others), 2)}
    return set(pairs) | triples


def return_arms(labels: np.ndarray, cell_area: float, params: FieldParams) -> np.ndarray:
    """``labels`` with each arm of a concave region given to the neighbour it touches most; an
    arm touching no neighbour along ``arm_touch`` of its rim stays (see ``FieldParams``). Every
    piece that the opening keeps is a cell's body, so two lobes joined by a neck both stay
    whole; a region the moves would leave in pieces keeps its largest (see ``_moved``)."""
    element = disk(params.arm_width * np.sqrt(cell_area / np.pi))
    windows = find_objects(labels)
    moves = [move for index, window in enumerate(windows, 1) if window is not None
             for move in _arms(labels, index, _grown(window, element.shape[0], labels.shape),
                               element, cell_area, params)]
    return _moved(labels, moves, windows)


def _arms(labels: np.ndarray, index: int, window: tuple[slice, slice], element: np.ndarray,
          cell_area: float, params: FieldParams) -> list[Move]:
    """The arms of region ``index`` (within ``window``) and the neighbour each goes to."""
    around = labels[window]
    region = around == index
    if solidity(region) >= params.convex:
        return []
    body = cv2.morphologyEx(region.astype(np.uint8), cv2.MORPH_OPEN, element) > 0
    if not body.any():
        return []
    arms, count = label(region & ~body)
    sizes = np.bincount(arms.ravel(), minlength=count + 1)
    moves = []
    for arm in np.flatnonzero(sizes >= params.arm_area * cell_area):
        part = arms == arm
        neighbour = _touching_most(around, part, index, params.arm_touch) if arm else 0
        if neighbour:
            moves.append((index, window, part, neighbour))
    return moves


def _moved(labels: np.ndarray, moves: list[Move], windows: list) -> np.ndarray:
    """``labels`` with the ``moves`` made. A region they leave in pieces (an arm handed on by
    a region that receives the arm touching it, in one pass) keeps its largest piece; each
    other piece goes to the region along most of its rim (one touching none stays)."""
    result = labels.copy()
    extent: dict[int, list[tuple[slice, slice]]] = {}
    for donor, window, part, receiver in moves:
        result[window][part] = receiver
        extent.setdefault(donor, [windows[donor - 1]])
        extent.setdefault(receiver, [windows[receiver - 1]]).append(window)
    for index, parts in extent.items():
        window = union_window(*parts)
        pieces, count = label(result[window] == index)
        if count > 1:
            largest = np.bincount(pieces.ravel())[1:].argmax() + 1
            for piece in set(range(1, count + 1)) - {largest}:
                part = pieces == piece
                result[window][part] = _touching_most(result[window], part, index, 0.0) or index
    return result


def _grown(window: tuple[slice, slice], margin: int, shape: tuple[int, ...]
           ) -> tuple[slice, slice]:
    """``window`` grown by ``margin`` on every side, within an image of ``shape``."""
    return tuple(slice(max(0, w.start - margin), min(size, w.stop + margin))
                 for w, size in zip(window, shape[:2], strict=True))


def _touching_most(labels: np.ndarray, part: np.ndarray, own: int, least: float) -> int:
    """The label other than ``own`` (and 0) along most of ``part``'s rim, when it lies along
    at least ``least`` of the rim; else 0."""
    rim = cv2.dilate(part.astype(np.uint8), _CROSS).astype(bool) & ~part
    around = labels[rim]
    others = around[(around != own) & (around > 0)]
    if not others.size:
        return 0
    counts = np.bincount(others)
    return int(counts.argmax()) if counts.max() >= least * around.size else 0
