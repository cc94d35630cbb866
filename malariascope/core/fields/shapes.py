"""Shape measures of labelled regions, shared by the splitting and its size rules."""

from __future__ import annotations

import cv2
import numpy as np

_CROSS = np.ones((3, 3), np.uint8)


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
