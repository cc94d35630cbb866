"""Does the Grad-CAM peak sit on the parasite? Prints the hit rate against chance.

    python benchmarks/gradcam_localisation.py [FOLDER]

For each parasitized test cell the chromatin is taken as the darkest stained blob: inside the
cell (non-black pixels), pixels darker than the cell's 5th percentile of intensity, the
connected component holding the darkest one, dilated by 2 px. A hit is a heatmap peak inside
that blob; chance is the blob's share of the cell's area.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from malariascope.core.classifier import Classifier
from malariascope.core.gradcam import heatmap
from malariascope.core.imageio import read_image
from malariascope.core.preprocess import to_model_input

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cell_images" / "test"


def chromatin_blob(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the cell and of its darkest stained blob."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    cell = image.max(axis=2) > 10
    cell = cv2.erode(cell.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if not cell.any():
        return cell, cell
    dark = (gray <= np.percentile(gray[cell], 5)) & cell
    count, labels = cv2.connectedComponents(dark.astype(np.uint8))
    darkest = np.unravel_index(np.argmin(np.where(cell, gray, 1e9)), gray.shape)
    blob = labels == labels[darkest]
    blob = cv2.dilate(blob.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & cell
    return cell, blob


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    paths = sorted((args.folder / "parasitized").glob("*.png"))
    if not paths:
        print(f"no parasitized cells in {args.folder}", file=sys.stderr)
        return 2
    classifier = Classifier.open()
    hits, chance = [], []
    for start in range(0, len(paths), 64):
        images = [read_image(p) for p in paths[start : start + 64]]
        scores = classifier.predict(
            np.stack([to_model_input(i, classifier.input_size) for i in images])
        )
        for image, class_map in zip(images, scores.class_maps, strict=True):
            cell, blob = chromatin_blob(image)
            if not blob.any():
                continue
            heat = heatmap(class_map, image.shape, positive=True)
            peak = np.unravel_index(np.argmax(heat), heat.shape)
            hits.append(bool(blob[peak]))
            chance.append(blob.sum() / cell.sum())
    print(
        f"{len(hits)} parasitized cells: Grad-CAM peak on the chromatin blob in "
        f"{100 * np.mean(hits):.1f} % (chance {100 * np.mean(chance):.1f} %)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
