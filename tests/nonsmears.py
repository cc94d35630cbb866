"""Generated whole-field-sized pictures that are no blood smear, one for each measure by
which ``core.fields.smear`` tells a smear (noise, cells greener than glass, a sparse chart,
faint or hazy blotches, discs of any size); each is screened as a field in ``auto`` mode."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from tests.images import draw_cell, make_field, write_rgb


def noise(width: int = 1280, height: int = 960, seed: int = 0) -> np.ndarray:
    """Random pixels, as a camera's noise or a broken file: specks, no glass."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), np.uint8)


def green_cells() -> np.ndarray:
    """A generated field with red and green swapped: round "cells" greener than the glass
    (as a circuit board's parts), which no stain makes red cells."""
    return make_field()[0][..., [1, 0, 2]]


def chart() -> np.ndarray:
    """A white page with a light grid and a few round markers: what is darker covers 2 %."""
    page = np.full((900, 1200, 3), 250, np.uint8)
    for x in range(100, 1200, 200):
        cv2.line(page, (x, 0), (x, 899), (225, 225, 225), 2)
    for i, x in enumerate(range(200, 1100, 180)):
        draw_cell(page, (x, 300 + 60 * i), 30)
    return page


def blotches(blur: float, seed: int = 0) -> np.ndarray:
    """Smoothed noise lit from one side: round blotches darker than their surround, by less
    the more it is smoothed, in a haze that is neither blotch nor clear."""
    rough = np.random.default_rng(seed).integers(0, 256, (960, 1280, 3), np.uint8)
    shade = np.linspace(-50.0, 50.0, 1280)[None, :, None]
    return np.clip(cv2.GaussianBlur(rough, (0, 0), blur) + shade, 0, 255).astype(np.uint8)


def faint_blotches() -> np.ndarray:
    """Blotches that take 11 % of the green light, less than any red cell."""
    return blotches(8)


def hazy_blotches() -> np.ndarray:
    """Blotches as dark as faint red cells, 17 % of the picture neither blotch nor clear."""
    return blotches(3)


def discs(seed: int = 2) -> np.ndarray:
    """A photo-like picture: a sky and ground, discs of every size from 10 to 80 px (those
    of seed 2 found as cells vary in size by 57 %)."""
    rng = np.random.default_rng(seed)
    rows = np.linspace(0.0, 1.0, 960)[:, None, None]
    picture = np.broadcast_to(120 + rows * np.array([-60, 40, 100]), (960, 1280, 3)).copy()
    picture[600:] = (70, 110, 60)
    for _ in range(30):
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        centre = (int(rng.integers(0, 1280)), int(rng.integers(0, 960)))
        cv2.circle(picture, centre, int(rng.integers(10, 80)), colour, -1)
    return np.clip(cv2.GaussianBlur(picture, (0, 0), 3), 0, 255).astype(np.uint8)


#: Each picture by the measure that refuses it, as its reason words it
NON_SMEARS = {"covers": chart, "specks": noise, "no redder": green_cells,
              "of the green light": faint_blotches, "varies in size": discs,
              "neither like cells": hazy_blotches}


def write_non_smears(folder: Path) -> dict[str, Path]:
    """Each of :data:`NON_SMEARS` written in ``folder`` as a JPEG named by its measure."""
    folder.mkdir(parents=True, exist_ok=True)
    return {words: write_rgb(folder / f"{make.__name__}.jpg", make())
            for words, make in NON_SMEARS.items()}
