"""Where a lab's labelled cells come from: class folders and annotated whole fields.

Each source yields its cells as model inputs in chunks of one group (a slide, a field), made
exactly as screening makes them: a cell image preprocessed whole, a field's cells found and
cropped by ``screening.field_inputs``. Each source also keeps a sha256 of what it read, so the
model card can name the cells an adapted model learned from. A labelled cell already read, by
this source or an earlier one, is left out (``repeats``). Reviewed reports are in ``reports``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from malariascope.core.adapt.cells import UNLABELLED
from malariascope.core.adapt.repeats import CellId, Repeats
from malariascope.core.dataset import find_subfolder, labelled_images, slide_of
from malariascope.core.errors import DatasetError, ImageReadError, NotASmearError
from malariascope.core.fields.annotations import (
    AnnotatedCell,
    AnnotationError,
    annotated_images,
    check_inside,
    load_annotations,
)
from malariascope.core.fields.boxes import mutual_best_pairs
from malariascope.core.fields.cells import FieldCell
from malariascope.core.imageio import decode_image, read_bytes
from malariascope.core.modelfiles import sha256_of
from malariascope.core.options import CLASS_NAMES
from malariascope.core.preprocess import to_model_input
from malariascope.core.screening import field_inputs

ANNOTATIONS_NAME = "annotations.json"  #: the annotation file looked for in a fields folder
MIN_IOU = 0.5  #: a found cell takes an annotated type only at this overlap with its box


@dataclass(frozen=True)
class Chunk:
    """Cells of one group, as model inputs with their labels (``UNLABELLED`` for a field's
    cells nobody typed)."""

    inputs: np.ndarray  # (n, S, S, 3) uint8
    labels: np.ndarray  # (n,) int
    images: np.ndarray  # (n,) str: the sha256 of the image file each cell was read from
    group: str
    field: str = ""  # the whole field the cells were found in, '' for cell images
    #: (n,) int: each cell's type in a field whose every cell a reader typed (an annotated
    #: field), whether or not its label was read before (``UNLABELLED``: untyped); None: no
    #: census
    census: np.ndarray | None = None


@dataclass
class SourceRecord:
    """What the model card says of a source: its kind, path, digest, cells per class and the
    cells it gave again, left out."""

    kind: str
    path: str
    sha256: str = ""
    cells: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASS_NAMES, 0))
    skipped: int = 0  # unreadable images, or reviewed cells not found again
    repeated: int = 0  # labelled cells read before, from this source or an earlier one
    why_skipped: str = ""  # why the first was skipped, naming it
    images: set[str] = field(default_factory=set)  # sha256 of the image files its cells came from

    def skip(self, why: str) -> None:
        """Count an image or cell left out, keeping ``why`` if it is the first."""
        self.skipped += 1
        self.why_skipped = self.why_skipped or why

    def count(self, labels: np.ndarray) -> None:
        for value, name in enumerate(CLASS_NAMES):
            self.cells[name] += int((labels == value).sum())

    def keeps(self, repeats: Repeats, cell: CellId, label: int) -> bool:
        """True for a cell ``repeats`` has not read before; a repeat is counted here."""
        new = repeats.new(cell, label)
        self.repeated += not new
        return new

    def as_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "sha256": self.sha256,
                "cells": dict(self.cells), "skipped": self.skipped, "repeated": self.repeated}


class Source(Protocol):
    """Anything adaptation reads cells from."""

    record: SourceRecord

    def chunks(self, size: int, repeats: Repeats) -> Iterator[Chunk]:
        """The source's cells as ``size`` px model inputs, one group at a time, those
        ``repeats`` has read before left out."""
        ...


class Digest:
    """A sha256 over ``(name, file sha256)`` entries in the order given."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, name: str, sha256: str) -> None:
        self._hash.update(f"{name}\t{sha256}\n".encode("utf-8", "surrogateescape"))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def read_image_hashed(path: Path) -> tuple[np.ndarray, str]:
    """An image file's RGB pixels and the sha256 of its bytes (read once)."""
    data = read_bytes(path)
    return decode_image(data), hashlib.sha256(data).hexdigest()


class ClassFolders:
    """``ROOT/parasitized/`` and ``ROOT/uninfected/`` cell images (any letter case).

    A cell's group is its subfolder within the class folder (``parasitized/SLIDE/x.png``), else
    the NIH slide in its name (``C<n>...``), else the image alone.
    """

    kind = "cell folders"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.record = SourceRecord(self.kind, str(root.resolve()))

    def chunks(self, size: int, repeats: Repeats) -> Iterator[Chunk]:
        images = labelled_images(self.root)
        class_dirs = [find_subfolder(self.root, name) for name in CLASS_NAMES]
        groups: dict[str, list[tuple[Path, int]]] = {}
        for path, label in zip(images.paths, images.labels, strict=True):
            inner = path.relative_to(class_dirs[label]).parts
            name = inner[0] if len(inner) > 1 else slide_of(path)
            groups.setdefault(name, []).append((path, label))
        digest = Digest()
        for name in sorted(groups):
            inputs, labels, digests = [], [], []
            for path, label in groups[name]:
                try:
                    image, sha256 = read_image_hashed(path)
                except ImageReadError as exc:
                    self.record.skip(f"{path.name}: {exc}")
                    continue
                digest.add(path.relative_to(self.root).as_posix(), sha256)
                if self.record.keeps(repeats, CellId(sha256, None, str(path)), label):
                    inputs.append(to_model_input(image, size))
                    labels.append(label)
                    digests.append(sha256)
            if inputs:
                yield labelled_chunk(self.record, inputs, labels, digests, f"{self.root}:{name}")
        self.record.sha256 = digest.hexdigest()


class AnnotatedFields:
    """A folder of whole fields with reader annotations (IML-Malaria layout, see
    ``fields.annotations``). Each field's cells are found as screening finds them; a found
    cell takes the type of the annotated box it pairs with (IoU 0.5, mutual best); the others,
    and those typed ``difficult``, stay unlabelled."""

    kind = "annotated fields"

    def __init__(self, folder: Path, annotations: Path | None = None) -> None:
        self.folder = folder
        self.annotations = annotations or folder / ANNOTATIONS_NAME
        self.record = SourceRecord(self.kind, str(folder.resolve()))

    def chunks(self, size: int, repeats: Repeats) -> Iterator[Chunk]:
        items, _ = annotated_images(self.folder, load_annotations(self.annotations))
        if not items:
            raise DatasetError(f"none of the fields annotated in {self.annotations} is in "
                               f"{self.folder}")
        digest = Digest()
        digest.add(self.annotations.name, sha256_of(self.annotations))
        for path, cells in items:
            try:
                image, sha256 = read_image_hashed(path)
                check_inside(cells, image.shape)
                found, inputs = field_inputs(image, size)
            except (ImageReadError, AnnotationError, NotASmearError) as exc:
                self.record.skip(f"{path.name}: {exc}")
                continue
            digest.add(path.name, sha256)
            if found:
                typed = _labels_of([cell.box for cell in found], cells)
                labels = self._first_reads(repeats, path, sha256, found, typed)
                name = f"{self.folder}:{path.name}"
                yield labelled_chunk(self.record, inputs, labels, [sha256] * len(found), name,
                                     name, census=typed)
        self.record.sha256 = digest.hexdigest()

    def _first_reads(self, repeats: Repeats, path: Path, sha256: str, found: list[FieldCell],
                     typed: list[int]) -> list[int]:
        """The labels of the field at ``path``: ``typed``, with the cells read before
        unlabelled, so that each is fitted once. They still standardize their field, as when
        it is screened, and keep their type in its census."""
        labels = list(typed)
        for i, cell in enumerate(found):
            where = f"{path} cell {i + 1}"  # as a report's row numbers it
            if typed[i] != UNLABELLED and not self.record.keeps(
                    repeats, CellId(sha256, cell.box, where), typed[i]):
                labels[i] = UNLABELLED
        return labels


def _labels_of(found: list, cells: list[AnnotatedCell]) -> list[int]:
    """The label of each found box: its paired annotated cell's, else ``UNLABELLED``."""
    labels = [UNLABELLED] * len(found)
    for i, j in mutual_best_pairs(found, [cell.box for cell in cells], MIN_IOU):
        if not cells[j].difficult:
            labels[i] = int(cells[j].parasitized)
    return labels


def labelled_chunk(record: SourceRecord, inputs: list[np.ndarray], labels: list[int],
                   images: list[str], group: str, field_name: str = "",
                   census: list[int] | None = None) -> Chunk:
    """A chunk of these cells (read from the image files of sha256 ``images``), counted in
    ``record``."""
    chunk = Chunk(np.stack(inputs), np.asarray(labels, int), np.asarray(images, str), group,
                  field_name, None if census is None else np.asarray(census, int))
    record.count(chunk.labels)
    record.images.update(images)
    return chunk
