"""Boxes of cells in a field: overlap and pairing (numpy only, so the app can use them)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from malariascope.core.fields.cells import Box


def box_iou(a: Sequence[Box], b: Sequence[Box]) -> np.ndarray:
    """IoU of every box of ``a`` with every box of ``b`` (``len(a) x len(b)``)."""
    a = np.asarray(a, float).reshape(-1, 4)
    b = np.asarray(b, float).reshape(-1, 4)
    width = np.minimum(a[:, None, 0] + a[:, None, 2], b[:, 0] + b[:, 2]) - np.maximum(
        a[:, None, 0], b[:, 0])
    height = np.minimum(a[:, None, 1] + a[:, None, 3], b[:, 1] + b[:, 3]) - np.maximum(
        a[:, None, 1], b[:, 1])
    inter = np.clip(width, 0, None) * np.clip(height, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + b[:, 2] * b[:, 3] - inter
    return inter / np.maximum(union, 1e-9)


def mutual_best_pairs(a: Sequence[Box], b: Sequence[Box],
                      min_iou: float = 0.5) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` where ``b[j]`` is the box of ``b`` overlapping ``a[i]`` most, and
    ``a[i]`` the box of ``a`` overlapping ``b[j]`` most, at IoU ``min_iou`` or more.

    A box that two boxes claim alike pairs with the one it overlaps more; a box whose best
    partner prefers another is left unpaired rather than given a second choice, so a label
    taken over through a pair is never a guess.
    """
    if not len(a) or not len(b):
        return []
    iou = box_iou(a, b)
    best_b, best_a = iou.argmax(axis=1), iou.argmax(axis=0)
    return [(i, int(j)) for i, j in enumerate(best_b)
            if best_a[j] == i and iou[i, j] >= min_iou]
