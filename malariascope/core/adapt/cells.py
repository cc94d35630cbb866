"""A lab's cells as adaptation sees them: pooled features, labels, and where each came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from malariascope.core.tally import PARASITIZED, UNINFECTED

#: Label of a cell found in a field that nobody labelled: it takes part in standardizing its
#: field's scores, never in a fit or a figure.
UNLABELLED = -1
#: A census field with fewer typed cells says little about the lab's parasitemia.
MIN_FIELD_CELLS = 20


@dataclass(frozen=True)
class LabelledCells:
    """Cells' pooled last-conv features with their labels, groups and fields.

    ``groups`` is the unit held out together (a field, a slide, a sample): cells of one group
    are never on both sides of a split, and cells of one image file are in one group whatever
    source gave them (:func:`joined_groups`). ``fields`` names the whole field a cell was
    found in ('' for a single-cell image); a field's cells are standardized together, as
    screening does.
    ``census`` holds the type of each cell of a field whose every cell a reader typed
    (annotated fields, unlike reviews, which favour suspicious cells), ``UNLABELLED``
    elsewhere: their share of parasitized cells is the lab's. A census cell read before from
    another source is labelled there and unlabelled here, so it is fitted once, yet its
    field's census keeps its type.
    ``views`` holds the features of each cell turned and mirrored (``features`` is the first
    view: the cell as it lies); the head is fitted on them all (see :attr:`fitted`), and a
    model scoring eight views scores their mean (:meth:`scored`).
    """

    features: np.ndarray  # (N, D) float64
    labels: np.ndarray  # (N,) int: 1 parasitized, 0 uninfected, UNLABELLED
    groups: np.ndarray  # (N,) str
    fields: np.ndarray  # (N,) str
    census: np.ndarray  # (N,) int: 1 parasitized, 0 uninfected, UNLABELLED
    views: np.ndarray | None = None  # (N, V, D) float64; None: ``features`` alone

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def fitted(self) -> np.ndarray:
        """What the head is fitted on: ``(N, V, D)`` views, else ``(N, D)`` features."""
        return self.features if self.views is None else self.views

    def scored(self, views: int) -> np.ndarray:
        """``(N, D)`` features as a model scoring ``views`` views of each cell sees them: the
        first view's, or the mean of all (a head's logit of the mean is its views' mean)."""
        if views == 1:
            return self.features
        if self.views is None or self.views.shape[1] != views:
            raise ValueError(f"these cells have no {views} views to score")
        return self.views.mean(axis=1)

    @property
    def labelled(self) -> np.ndarray:
        return self.labels != UNLABELLED

    def counts(self) -> dict[str, int]:
        """Labelled cells per class name."""
        return {PARASITIZED: int((self.labels == 1).sum()),
                UNINFECTED: int((self.labels == 0).sum())}

    def groups_with(self, label: int) -> int:
        """How many groups hold a cell of ``label``."""
        return len(set(self.groups[self.labels == label]))

    def subset(self, mask: np.ndarray) -> LabelledCells:
        views = None if self.views is None else self.views[mask]
        return LabelledCells(*(getattr(self, name)[mask] for name in _ARRAYS), views)

    @classmethod
    def concat(cls, parts: Sequence[LabelledCells]) -> LabelledCells:
        """All ``parts`` in order (an empty set of 0 features when there are none)."""
        if not parts:
            return cls(np.zeros((0, 0)), np.zeros(0, int), np.zeros(0, str), np.zeros(0, str),
                       np.zeros(0, int))
        views = (None if any(p.views is None for p in parts)
                 else np.concatenate([p.views for p in parts]))
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) for name in _ARRAYS),
                   views)

    def field_parasitemias(self) -> list[float]:
        """The share of parasitized cells in each census field with enough typed cells."""
        typed = self.census != UNLABELLED
        shares = []
        for field in np.unique(self.fields[typed]):
            types = self.census[(self.fields == field) & typed]
            if len(types) >= MIN_FIELD_CELLS:
                shares.append(float(types.mean()))
        return shares


_ARRAYS = ("features", "labels", "groups", "fields", "census")


def joined_groups(groups: np.ndarray, images: np.ndarray) -> np.ndarray:
    """``groups`` with any two that hold cells of one image file (by its sha256 in
    ``images``) made one, named as the first of them: a field reviewed in a report and
    annotated, or given by a register case and its report, is one field held out whole."""
    names = list(dict.fromkeys(groups.tolist()))  # in order of first appearance
    order = {name: i for i, name in enumerate(names)}
    parent = dict(zip(names, names, strict=True))
    first: dict[str, str] = {}  # image -> the first group holding it
    for group, image in zip(groups.tolist(), images.tolist(), strict=True):
        a, b = _root(parent, first.setdefault(image, group)), _root(parent, group)
        if a != b:
            parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    return np.asarray([_root(parent, group) for group in groups.tolist()], groups.dtype)


def _root(parent: dict[str, str], name: str) -> str:
    """The name ``name``'s group is joined under."""
    while parent[name] != name:
        name = parent[name]
    return name


def group_folds(groups: np.ndarray, labels: np.ndarray, folds: int) -> np.ndarray:
    """A fold number per cell, whole groups per fold, spreading parasitized cells evenly.

    Groups are dealt, most parasitized cells first (then most cells, then name), each to the
    fold holding the fewest parasitized cells so far (then fewest cells): deterministic, and
    no fold is left without the rare class while another has it twice over.
    """
    names, inverse = np.unique(groups, return_inverse=True)
    positives = np.bincount(inverse, weights=labels == 1, minlength=len(names))
    sizes = np.bincount(inverse, minlength=len(names))
    order = sorted(range(len(names)), key=lambda g: (-positives[g], -sizes[g], names[g]))
    load = np.zeros((folds, 2))
    fold_of = np.empty(len(names), int)
    for g in order:
        fold = min(range(folds), key=lambda f: (load[f, 0], load[f, 1], f))
        fold_of[g] = fold
        load[fold] += positives[g], sizes[g]
    return fold_of[inverse]
