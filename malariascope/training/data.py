"""Training data: find the parts, decode every cell once into memory, split by slide.

Decoding the 22k NIH cells each epoch would cost more than the training steps, so the
preprocessed ``uint8`` arrays are kept in memory (64 px: about 280 MB).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from malariascope.core.dataset import LabelledImages
from malariascope.core.errors import DatasetError, ImageReadError
from malariascope.core.options import CLASS_NAMES
from malariascope.core.preprocess import load_model_input
from malariascope.core.split import DataSplit, checked_overlap, manifest_csv, open_split
from malariascope.core.words import counted

#: The share of the training part's cells, in whole slides, held out for validation.
VALIDATION_FRACTION = 0.12

def read_split(root: Path, test_per_class: int | None, seed: int, strict: bool,
               log: Callable[[str], None]) -> DataSplit:
    """The train and test cells of ``root`` (see ``core.split.open_split``), with a line on a
    split made here, and one on test slides that training shares (refused when ``strict``).
    Only file names are read, so a refusal comes before any cell is decoded."""
    split = open_split(root, test_per_class, seed)
    if split.classes_in is not None:
        slides = split.overlap.test_slides
        log(f"class folders in {split.classes_in}: split by slide (seed {seed}), test "
            f"{counted(len(split.test), 'cell')}" + (f" of {counted(slides, 'slide')}"
                                                     if slides else ""))
    warning = checked_overlap(split.overlap, strict)
    if warning:
        log(warning)
    return split


def split_manifest(split: DataSplit, fit: np.ndarray, validation: np.ndarray,
                   reviewed_out: np.ndarray) -> bytes:
    """The manifest of a run: each cell of ``split`` with its part, ``fit``, ``validation``
    and ``reviewed_out`` (left out by a label review) indexing its training cells."""
    return manifest_csv(split.root, {"train": split.train.subset(fit),
                                     "validation": split.train.subset(validation),
                                     "reviewed out": split.train.subset(reviewed_out),
                                     "test": split.test})


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
    """Refuse a part of the training cells missing a class: without parasitized validation cells the
    temperature, threshold and AUC are meaningless (the card got NaN and threshold 0.5), and
    fitting on one class learns nothing; this happens when the slides are few or each holds
    one class."""
    labels = np.asarray(images.labels)[part]
    for label, class_name in enumerate(CLASS_NAMES):
        if not np.any(labels == label):
            raise DatasetError(
                f"the {name} part's slides hold no {class_name} cells "
                f"({counted(len(np.unique(images.slides)), 'slide')} in all): training needs more "
                "slides, each class on several of them, or another --seed"
            )
