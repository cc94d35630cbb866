"""Find labelled cell images in ``ROOT/{train,test}/{parasitized,uninfected}/`` folders.

Lives in the core because evaluation (TensorFlow-free) reads the same layout as training.
Folder names match in any letter case and images in any common format are taken; hidden
files and folders under a class folder (a trash, macOS's ``._`` companions) are not.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from malariascope.core.adapt.repeats import CellId, Repeats
from malariascope.core.discovery import is_hidden
from malariascope.core.errors import DatasetError
from malariascope.core.imageio import is_image_path
from malariascope.core.modelfiles import sha256_of
from malariascope.core.options import CLASS_NAMES
from malariascope.core.targets import why_no_folder

_SLIDE = re.compile(r"^(C\d+)")


@dataclass(frozen=True)
class LabelledImages:
    """Paths with their labels (1 = parasitized) and slide (patient) ids."""

    paths: list[Path]
    labels: list[int]
    slides: list[str]

    def __len__(self) -> int:
        return len(self.paths)

    def counts(self) -> dict[str, int]:
        """Number of images per class name."""
        positives = sum(self.labels)
        return {CLASS_NAMES[0]: len(self.labels) - positives, CLASS_NAMES[1]: positives}

    def subset(self, indices: Iterable[int]) -> LabelledImages:
        """The images at ``indices``, in that order."""
        chosen = list(indices)
        return LabelledImages([self.paths[i] for i in chosen], [self.labels[i] for i in chosen],
                              [self.slides[i] for i in chosen])


def slide_id(path: Path) -> str | None:
    """The slide (patient) id of an NIH file name, its leading ``C<n>``; None for other names."""
    match = _SLIDE.match(path.name)
    return match.group(1) if match else None


def slide_of(path: Path) -> str:
    """The slide (patient) id from an NIH file name's leading ``C<n>``; else the file itself.

    Falling back to the file name keeps other datasets usable, grouped one image per group.
    """
    return slide_id(path) or path.stem


def find_subfolder(parent: Path, name: str) -> Path:
    """The child folder of ``parent`` called ``name`` in any letter case.

    Two such folders (``Parasitized`` and ``parasitized``, on a disk that tells them apart) are
    refused: taking one would silently leave the other's cells out.
    """
    if not parent.is_dir():
        raise DatasetError(why_no_folder(parent))
    found = sorted(child for child in parent.iterdir()
                   if child.is_dir() and child.name.lower() == name)
    if not found:
        raise DatasetError(f"no '{name}' folder (any letter case) in {parent}")
    if len(found) > 1:
        raise DatasetError(f"{' and '.join(child.name for child in found)} in {parent} are the "
                           "same folder in another letter case: merge them into one")
    return found[0]


def labelled_images(folder: Path) -> LabelledImages:
    """All images under ``folder/parasitized`` and ``folder/uninfected``, sorted by path."""
    paths: list[Path] = []
    labels: list[int] = []
    class_dirs = [find_subfolder(folder, name) for name in CLASS_NAMES]
    _refuse_overlap(*class_dirs)
    for label, class_dir in enumerate(class_dirs):
        # every image name but a folder's, as the batch search takes them: a pipe or a
        # broken link is then counted as unreadable, not left out unseen
        found = sorted(p for p in class_dir.rglob("*") if not p.is_dir() and is_image_path(p)
                       and not any(map(is_hidden, p.relative_to(class_dir).parts)))
        if not found:
            raise DatasetError(f"no images in {class_dir}")
        paths.extend(found)
        labels.extend([label] * len(found))
    return LabelledImages(paths, labels, [slide_of(p) for p in paths])


def _refuse_overlap(first: Path, second: Path) -> None:
    """Refuse two class folders of which one is the other, or holds it, through a link: their
    cells would be read under both labels."""
    one, other = first.resolve(), second.resolve()
    if one.is_relative_to(other) or other.is_relative_to(one):
        raise DatasetError(f"{first} and {second} hold the same cells (one is a link to the "
                           "other or inside it): give each class its own folder")


def refuse_labelled_twice(images: LabelledImages) -> None:
    """CallsDisagreeError naming two files of ``images`` with the same bytes and opposite
    labels (a cell copied or linked into both class folders): scored or learned under both,
    it would count as a right call and a wrong one.

    Only regular files whose byte size lies under both labels are hashed (on the NIH test
    folder 356 of 2,600); the others, a pipe, a broken link or an empty file, are left for
    the reading to count as unreadable.
    """
    sizes = [_size(path) for path in images.paths]
    by_label: list[set[int | None]] = [set(), set()]
    for size, label in zip(sizes, images.labels, strict=True):
        by_label[label].add(size)
    shared = (by_label[0] & by_label[1]) - {None}
    repeats = Repeats("keep each cell in one class folder only")
    for path, size, label in zip(images.paths, sizes, images.labels, strict=True):
        if size in shared:
            try:
                sha256 = sha256_of(path)
            except OSError:  # unreadable: told as such when the cells are read
                continue
            repeats.new(CellId(sha256, None, str(path)), label)


def _size(path: Path) -> int | None:
    """The byte size of a regular file (through links) that holds any, else None: empty files
    are all alike, and each is told as unreadable when the cells are read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) and info.st_size else None
