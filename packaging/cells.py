"""Write generated cell images for smoke tests: ``python packaging/cells.py OUT_DIR COUNT``.

Pink discs on black like the NIH cell crops, every other one with dark purple dots (a
"parasitized" look). Run by ``build.py`` with the build venv's Python, which has numpy and
OpenCV, so the build script itself needs nothing but the standard library.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np


def make_cell(seed: int, parasitized: bool, size: int = 110) -> np.ndarray:
    """One BGR cell image: a noisy pink disc, plus 1-3 purple dots when ``parasitized``."""
    rng = np.random.default_rng(seed)
    image = np.zeros((size, size, 3), np.uint8)
    centre = (size // 2, size // 2)
    radius = int(size * rng.uniform(0.36, 0.45))
    pink = tuple(int(c) for c in rng.integers((130, 120, 190), (170, 160, 230)))  # BGR
    cv2.circle(image, centre, radius, pink, -1)
    for _ in range(int(rng.integers(1, 4)) if parasitized else 0):
        dx, dy = (int(v) for v in rng.integers(-radius // 2, radius // 2, 2))
        dot = (centre[0] + dx, centre[1] + dy)
        cv2.circle(image, dot, int(rng.integers(4, 9)), (120, 30, 90), -1)
    noise = rng.normal(0, 3, image.shape) * (image > 0)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def write_cells(folder: Path, count: int) -> list[Path]:
    """``count`` PNG cells in ``folder``, alternating uninfected and parasitized."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"cell_{i:05d}.png"
        if not cv2.imwrite(str(path), make_cell(i, parasitized=bool(i % 2))):
            raise OSError(f"could not write {path}")
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.splitlines()[0])
    print(len(write_cells(Path(sys.argv[1]), int(sys.argv[2]))))
