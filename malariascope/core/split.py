"""The train and test parts of a training folder, kept apart by slide, and their manifest.

Two layouts are read: ``ROOT/{train,test}/{class}`` as a course copy of the NIH set has it, and
the set as published, class folders directly under ``ROOT`` (or one level down, as common
mirrors nest it: ``cell_images/cell_images/Parasitized``). The published set is split here by
slide: cells of one patient look alike, so a test part that shares patients with training
measures memory of those patients, not how the model does on a new one. Files whose names
carry no slide id are each their own group.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from malariascope.core.dataset import (
    CLASS_NAMES,
    LabelledImages,
    find_subfolder,
    labelled_images,
    refuse_labelled_twice,
    slide_id,
)
from malariascope.core.errors import DatasetError, ExportError
from malariascope.core.options import TEST_PER_CLASS
from malariascope.core.targets import inside, why_no_folder
from malariascope.core.words import counted

MANIFEST_NAME = "split.csv"  #: the manifest written beside a model and a split's folders
PARTS = ("train", "test")
_PARASITIZED = CLASS_NAMES.index("parasitized")
#: Seeded slide orders tried for the test part; the one nearest the asked size is kept. Slides
#: are lumpy (1 to 600 cells of a class), so one order can miss by hundreds; the best of 30
#: misses the NIH set's 1,300 per class by 37 cells at most (seeds 1 to 40).
DRAWS = 30


@dataclass(frozen=True)
class SlideOverlap:
    """How many of the test part's slides (those named by an NIH slide id) training has too."""

    shared: int
    test_slides: int

    def warning(self) -> str:
        verb = "appears" if self.shared == 1 else "appear"
        return (f"{self.shared:,} of {counted(self.test_slides, 'test slide')} also {verb} in "
                "train: test figures will read higher than on new patients")


@dataclass(frozen=True)
class DataSplit:
    """The training and test cells of ``root``.

    ``classes_in`` is the folder holding the class folders and ``test_per_class`` the test size
    asked when the split was made here (the published layout); both are None when ``root``
    gave ``train/`` and ``test/``.
    """

    root: Path
    train: LabelledImages
    test: LabelledImages
    overlap: SlideOverlap
    classes_in: Path | None = None
    test_per_class: int | None = None

    def facts(self) -> dict[str, int]:
        """The card's record of the split: test slides, how many of them training shares, and
        the test size asked of a split made here."""
        asked = {} if self.test_per_class is None else {"test_per_class": self.test_per_class}
        return {"test_slides": self.overlap.test_slides,
                "test_slides_shared_with_train": self.overlap.shared, **asked}


def open_split(root: Path, test_per_class: int | None = None, seed: int = 1) -> DataSplit:
    """The train and test parts of ``root``, in either layout.

    Parameters
    ----------
    root
        A folder holding ``train/`` and ``test/``, or the class folders (itself or one level
        down).
    test_per_class
        About how many cells per class the test part of the published layout takes
        (:data:`TEST_PER_CLASS` when None); refused for ``train/`` and ``test/`` given.
    seed
        Seeds the order in which slides are drawn for the test part.

    Returns
    -------
    DataSplit
    """
    classes_in = _layout(root)
    if classes_in is None:
        if test_per_class is not None:
            raise DatasetError(f"{root} is split into train/ and test/ already: "
                               "--test-per-class sizes the split of the published layout only")
        train, test = (labelled_images(find_subfolder(root, name)) for name in PARTS)
        refuse_labelled_twice(train)
        refuse_labelled_twice(test)
        return DataSplit(root, train, test, slide_overlap(train, test))
    cells = labelled_images(classes_in)
    refuse_labelled_twice(cells)
    per_class = test_per_class or TEST_PER_CLASS
    is_test = hold_out_test(cells, per_class, seed)
    train = cells.subset(np.flatnonzero(~is_test))
    test = cells.subset(np.flatnonzero(is_test))
    return DataSplit(root, train, test, slide_overlap(train, test), classes_in, per_class)


def refuse_among_cells(out: Path, root: Path, what: str) -> None:
    """ExportError when ``out`` is, or lies inside, a folder whose cells a run on ``root``
    reads (``train/`` and ``test/``, or the class folders as published): ``what`` written
    there would lie among the cells. Only folder names are read, so this is told before the
    cells are; a ``root`` in no layout is left for :func:`open_split` to tell."""
    try:
        folders = cell_folders(root)
    except DatasetError:
        return
    for folder in folders:
        if inside(out, folder):
            raise ExportError(f"{out} is inside {folder}, a folder of the cells in {root}: "
                              f"write {what} outside the cells")


def cell_folders(root: Path) -> tuple[Path, ...]:
    """The folders a split of ``root`` reads cells from: its ``train/`` and ``test/``, or the
    two class folders as published."""
    classes_in = _layout(root)
    parent, names = (root, PARTS) if classes_in is None else (classes_in, CLASS_NAMES)
    return tuple(find_subfolder(parent, name) for name in names)


def _layout(root: Path) -> Path | None:
    """The folder holding the class folders as published, or None when ``root`` holds
    ``train/`` and ``test/``; DatasetError for a root in neither layout or in both."""
    if not root.is_dir():
        raise DatasetError(why_no_folder(root))
    given = [name for name in PARTS if _child(root, name) is not None]
    if given:
        if _holds_classes(root):
            raise DatasetError(f"{root} holds both {' and '.join(given)} and class folders: "
                               "point at one layout")
        return None
    classes_in = published_folder(root)
    if classes_in is None:
        raise DatasetError(f"no 'train' and 'test' folders, nor 'parasitized' and 'uninfected' "
                           f"ones, in {root} or one level down (any letter case)")
    return classes_in


def published_folder(root: Path) -> Path | None:
    """The folder holding both class folders: ``root`` itself or one folder in it; None when
    neither does."""
    if _holds_classes(root):
        return root
    children = sorted(child for child in root.iterdir() if child.is_dir()) if root.is_dir() else []
    holding = [child for child in children if _holds_classes(child)]
    if len(holding) > 1:
        raise DatasetError(f"{' and '.join(str(child) for child in holding)} each hold class "
                           "folders: give one of them")
    return holding[0] if holding else None


def hold_out_test(images: LabelledImages, per_class: int, seed: int) -> np.ndarray:
    """A mask of the test part: whole slides, as near ``per_class`` cells per class as the
    best of :data:`DRAWS` seeded draws (see :func:`_draw`) comes.

    Parameters
    ----------
    images
        Every cell of the published layout.
    per_class
        The number of cells per class the test part aims at.
    seed
        Seeds the draws.

    Returns
    -------
    np.ndarray
        True for each cell of the test part.
    """
    counts = images.counts()
    smallest = min(counts.values())
    if per_class > smallest // 2:
        fewest = counted(smallest, f"{min(counts, key=counts.get)} cell")
        raise DatasetError(f"a test part of {counted(per_class, 'cell')} per class would leave "
                           f"too few to train on ({fewest} in all): pass a smaller "
                           "--test-per-class")
    names, slide_index = np.unique(np.asarray(images.slides), return_inverse=True)
    per_slide = np.zeros((len(names), len(CLASS_NAMES)), dtype=np.int64)
    np.add.at(per_slide, (slide_index, np.asarray(images.labels)), 1)
    rng = np.random.default_rng(seed)
    best: tuple[tuple[int, int], np.ndarray] | None = None
    for _ in range(DRAWS):
        chosen, missing = _draw(per_slide, rng.permutation(len(names)), per_class)
        off = (max(map(abs, missing)), sum(map(abs, missing)))
        if best is None or off < best[0]:
            best = off, chosen
        if off[0] == 0:
            break
    taken = per_slide[best[1]].sum(axis=0)
    for label, name in enumerate(CLASS_NAMES):
        if not taken[label]:
            raise DatasetError(f"no slide fits a test part of {counted(per_class, name + ' cell')}"
                               ": pass a larger --test-per-class")
    return best[1][slide_index]


def _draw(per_slide: np.ndarray, order: np.ndarray, per_class: int
          ) -> tuple[np.ndarray, list[int]]:
    """One pass over the slides in ``order``, those with parasitized cells (infected
    patients', which hold uninfected cells too) first, then healthy patients' to make up the
    uninfected cells; a slide is taken when it brings the classes' counts nearer
    ``per_class`` in all. Returns the slides taken and the cells each class still misses."""
    order = order[np.argsort(per_slide[order, _PARASITIZED] == 0, kind="stable")]
    counts = per_slide.tolist()
    missing = [per_class] * len(CLASS_NAMES)
    chosen = np.zeros(len(counts), dtype=bool)
    for slide in order.tolist():
        after = [need - count for need, count in zip(missing, counts[slide], strict=True)]
        if sum(map(abs, after)) < sum(map(abs, missing)):
            chosen[slide], missing = True, after
    return chosen, missing


def slide_overlap(train: LabelledImages, test: LabelledImages) -> SlideOverlap:
    """The test slides that training has cells of too; files without a slide id are not
    counted, as no two of them are known to share a patient."""
    def named(images: LabelledImages) -> set[str]:
        return {slide for slide in map(slide_id, images.paths) if slide is not None}

    test_slides = named(test)
    return SlideOverlap(len(test_slides & named(train)), len(test_slides))


def checked_overlap(overlap: SlideOverlap, strict: bool) -> str | None:
    """The line telling that test slides appear in training, None when none do; under
    ``strict`` such an overlap is refused."""
    if not overlap.shared:
        return None
    if strict:
        raise DatasetError(f"{overlap.warning()} (refused under --strict-split)")
    return overlap.warning()


def beside_train_overlap(folder: Path, strict: bool = False) -> SlideOverlap | None:
    """The overlap of a ``test`` folder with the ``train`` folder beside it; None for another
    folder or one with no ``train`` beside it. A ``train`` that holds no readable layout gives
    None too, or under ``strict`` a DatasetError saying why. The folder is made absolute
    first: "." or ".." names no folder."""
    folder = Path(os.path.abspath(folder))
    if folder.name.lower() != "test":
        return None
    try:
        train = _child(folder.parent, "train")
        if train is None:
            return None
        train_images = labelled_images(train)
    except DatasetError as exc:
        if strict:
            raise DatasetError(f"--strict-split compares {folder} with the train folder beside "
                               f"it, which cannot be read: {exc}") from None
        return None
    return slide_overlap(train_images, labelled_images(folder))


def manifest_csv(root: Path, parts: dict[str, LabelledImages]) -> bytes:
    """The manifest of a split: one row per cell (path relative to ``root``, class, slide,
    part), sorted by path, as UTF-8 CSV."""
    rows = sorted((path.relative_to(root).as_posix(), CLASS_NAMES[label], slide, part)
                  for part, images in parts.items()
                  for path, label, slide in zip(images.paths, images.labels, images.slides,
                                                strict=True))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("path", "class", "slide", "part"))
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def _child(parent: Path, name: str) -> Path | None:
    """The child folder ``name`` of ``parent`` in any letter case, None when there is none."""
    if not parent.is_dir() or not any(child.is_dir() and child.name.lower() == name
                                      for child in parent.iterdir()):
        return None
    return find_subfolder(parent, name)


def _holds_classes(folder: Path) -> bool:
    return all(_child(folder, name) is not None for name in CLASS_NAMES)
