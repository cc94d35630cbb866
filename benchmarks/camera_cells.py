"""The NIH validation slides as the second lab's camera would have saved them.

That lab's fields are JPEGs of quality about 77 with the colour halved across (4:2:2; their
quantization tables match libjpeg's at 75-80), and its cells are about 84 px a side against the
NIH cells' 130. Each validation cell (``train/`` split by slide as training splits it, seed 1)
is shrunk by 0.65 and saved and read back as such a JPEG (OpenCV's libjpeg), then scored by a
model at its card's threshold. No training and no ``test/`` look.

    python benchmarks/camera_cells.py [--model DIR]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from malariascope.core.classifier import Classifier
from malariascope.core.dataset import find_subfolder, labelled_images
from malariascope.core.imageio import read_image
from malariascope.core.metrics import screening_metrics
from malariascope.core.preprocess import to_model_input
from malariascope.training.data import VALIDATION_FRACTION, split_by_slide

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SECOND_LAB_SCALE = 0.65  # its cells' size over the NIH cells'
HALF_ACROSS, HALF_BOTH = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420
CAMERAS = {  # name: (scale, JPEG quality or 0 for none, chroma subsampling)
    "as read": (1.0, 0, HALF_ACROSS),
    "shrunk": (SECOND_LAB_SCALE, 0, HALF_ACROSS),
    "shrunk, JPEG 90, 4:2:2": (SECOND_LAB_SCALE, 90, HALF_ACROSS),
    "shrunk, JPEG 77, 4:2:2 (the lab's)": (SECOND_LAB_SCALE, 77, HALF_ACROSS),
    "shrunk, JPEG 60, 4:2:2": (SECOND_LAB_SCALE, 60, HALF_ACROSS),
    "shrunk, JPEG 77, 4:2:0": (SECOND_LAB_SCALE, 77, HALF_BOTH),
}


def through_camera(image: np.ndarray, scale: float, quality: int, subsampling: int
                   ) -> np.ndarray:
    """``image`` shrunk by ``scale`` and, with a ``quality``, saved and read back as JPEG."""
    if scale != 1.0:
        height, width = image.shape[:2]
        image = cv2.resize(image, (max(8, round(width * scale)), max(8, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
    if not quality:
        return image
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                             cv2.IMWRITE_JPEG_SAMPLING_FACTOR, subsampling])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a model folder or card (default: bundled)")
    parser.add_argument("--seed", type=int, default=1, help="the training run's split seed")
    args = parser.parse_args()
    classifier = Classifier.open(args.model)
    images = labelled_images(find_subfolder(DATA / "cell_images", "train"))
    _, validation = split_by_slide(images, VALIDATION_FRACTION, args.seed)
    labels = np.asarray(images.labels)[validation].astype(int)
    with ThreadPoolExecutor() as pool:
        cells = list(pool.map(lambda i: read_image(images.paths[i]), validation))
        print(f"{len(cells)} validation cells, threshold {classifier.rule.threshold:.4f}")
        for name, camera in CAMERAS.items():
            inputs = np.stack(list(pool.map(
                lambda cell, camera=camera: to_model_input(through_camera(cell, *camera),
                                                           classifier.input_size), cells)))
            probabilities = np.concatenate([classifier.predict(inputs[i:i + 256]).probabilities
                                            for i in range(0, len(inputs), 256)])
            m = screening_metrics(labels, probabilities, classifier.rule.threshold)
            healthy = probabilities[labels == 0]
            print(f"  {name:36s} AUC {m.auc:.4f}  sensitivity {m.sensitivity:.4f}  specificity "
                  f"{m.specificity:.4f}  healthy cells' median log-odds "
                  f"{np.median(np.log(healthy / (1 - healthy))):.2f}")


if __name__ == "__main__":
    main()
