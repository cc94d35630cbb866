"""Stain normalisation: make cells from another lab look like the training lab's (Reinhard).

Giemsa stain, lamp and camera differ between labs; the NIH cells the model learned are pink on
black, another lab's may be grey-violet. The colour statistics (mean and spread in Lab space)
of all cell pixels of a field are mapped onto those of the training cells, recorded in the
model card. Statistics are pooled over a whole field, where parasitized cells are few, so the
mapping follows the stain, not the infection.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class StainStats:
    """Mean and standard deviation of L, a, b (OpenCV 8-bit Lab scale) over cell pixels."""

    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    def to_dict(self) -> dict:
        return {"lab_mean": list(self.mean), "lab_std": list(self.std)}

    @classmethod
    def from_dict(cls, data: dict) -> StainStats:
        return cls(tuple(data["lab_mean"]), tuple(data["lab_std"]))


def cell_pixels_lab(image: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Lab values ``(N, 3)`` of cell pixels: ``mask``, or the non-black pixels.

    Without a mask the edge of the cell is eroded away: resizing blends it with the black
    background, and those dark fringe pixels would inflate the spread.
    """
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    if mask is None:
        foreground = (image.max(axis=2) > 10).astype(np.uint8)
        mask = cv2.erode(foreground, np.ones((5, 5), np.uint8))
    return lab[mask.ravel().astype(bool)]


def stain_stats(pixels_lab: np.ndarray) -> StainStats:
    """Statistics of Lab pixels gathered from one or many cells."""
    if len(pixels_lab) == 0:
        raise ValueError("no cell pixels to measure the stain on")
    mean = pixels_lab.mean(axis=0)
    std = np.maximum(pixels_lab.std(axis=0), 1.0)
    return StainStats(tuple(float(v) for v in mean), tuple(float(v) for v in std))


def normalise(image: np.ndarray, source: StainStats, target: StainStats) -> np.ndarray:
    """Map ``image``'s colours from ``source`` statistics to ``target``; black stays black."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    scale = np.asarray(target.std, np.float32) / np.asarray(source.std, np.float32)
    lab = (lab - np.asarray(source.mean, np.float32)) * scale + np.asarray(target.mean, np.float32)
    out = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)
    out[image.max(axis=2) == 0] = 0
    return out
