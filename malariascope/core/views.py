"""The eight views of a cell: four quarter turns, each as is and mirrored.

A cell on a slide has no up, down or side, so a model may score a cell by the mean of its
views' logits (a card's ``views``). The class map of that mean is the mean of the views' maps,
each :func:`turned_back` to the cell as it lies: its spatial mean plus the bias is the logit.
"""

from __future__ import annotations

import numpy as np

#: How many views :func:`eight_views` gives of each cell.
ALL_VIEWS = 8
#: How many views a card may score each cell by: the cell as it lies, or all eight.
VIEW_COUNTS = (1, ALL_VIEWS)


def eight_views(cells: np.ndarray) -> list[np.ndarray]:
    """The 8 views of ``(N, S, S, C)`` cells; the first is the cells as they are."""
    mirrored = cells[:, :, ::-1]
    return [np.ascontiguousarray(np.rot90(part, turns, axes=(1, 2)))
            for part in (cells, mirrored) for turns in range(4)]


def turned_back(maps: np.ndarray, view: int) -> np.ndarray:
    """``(N, h, w, ...)`` class maps of view number ``view`` (of :func:`eight_views`) turned
    back to the cells as they lie."""
    back = np.rot90(maps, -(view % 4), axes=(1, 2))
    return back[:, :, ::-1] if view >= 4 else back
