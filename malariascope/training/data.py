"""Training data: decode every cell once into memory, split by slide, feed tf.data.

Decoding the 22k NIH cells each epoch would cost more than the training steps, so the
preprocessed ``uint8`` arrays are kept in memory (64 px: about 280 MB).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from malariascope.core.dataset import CLASS_NAMES, LabelledImages
from malariascope.core.errors import DatasetError, ImageReadError
from malariascope.core.preprocess import load_model_input


def load_arrays(images: LabelledImages, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Preprocess every image (OpenCV releases the GIL, so threads decode in parallel)."""
    with ThreadPoolExecutor() as pool:
        arrays = list(pool.map(lambda p: _model_input(p, size), images.paths, chunksize=64))
    return np.stack(arrays), np.asarray(images.labels, dtype=np.float32)


def _model_input(path: Path, size: int) -> np.ndarray:
    """One cell's input; an unreadable file is named, or among thousands of cells the reason
    alone ("empty file (0 bytes)") leaves the user no way to find it."""
    try:
        return load_model_input(path, size)
    except ImageReadError as exc:
        raise DatasetError(f"{path}: {exc}; remove or replace it and run again") from exc


def split_by_slide(
    images: LabelledImages, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a training and a validation part whose slides do not overlap.

    Whole slides go to validation until it holds ``fraction`` of the images, so the
    validation score, the temperature and the threshold are measured on unseen patients.
    """
    slides = np.asarray(images.slides)
    unique = np.unique(slides)
    rng = np.random.default_rng(seed)
    rng.shuffle(unique)
    target = fraction * len(slides)
    chosen: list[str] = []
    taken = 0
    for slide in unique:
        if taken >= target:
            break
        chosen.append(slide)
        taken += int(np.sum(slides == slide))
    is_val = np.isin(slides, chosen)
    fit, val = np.flatnonzero(~is_val), np.flatnonzero(is_val)
    _check_both_classes(images, fit, "training")
    _check_both_classes(images, val, "validation")
    return fit, val


def _check_both_classes(images: LabelledImages, part: np.ndarray, name: str) -> None:
    """Refuse a part of ``train/`` missing a class: without parasitized validation cells the
    temperature, threshold and AUC are meaningless (the card got NaN and threshold 0.5), and
    fitting on one class learns nothing; this happens when the slides are few or each holds
    one class."""
    labels = np.asarray(images.labels)[part]
    for label, class_name in enumerate(CLASS_NAMES):
        if not np.any(labels == label):
            raise DatasetError(
                f"the {name} slides of train/ hold no {class_name} cells "
                f"({len(np.unique(images.slides))} slides in all): training needs more "
                "slides, each class on several of them, or another --seed"
            )
