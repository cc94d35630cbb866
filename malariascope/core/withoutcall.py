"""Why a file has no call, in three kinds a record tells apart, from the reason its row gives.

A file may be unreadable (cannot be opened, damaged, no image, too large, out of memory); or
read and refused as no stained cell image (blank, grey, a strip, too small, several images in
one file: ``core.screenable``, ``core.imageio``; a whole field unlike a smear:
``core.fields.smear``); or a whole field in which no cell was found.
Told apart, no record says that a grey image could not be read. Standard library only, like
``core.tally``, which counts the kinds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from malariascope.core.words import counted

UNREADABLE, REFUSED, NO_CELL_FOUND = "unreadable", "refused", "no cell found"  # the kinds

#: The reasons of the images refused (``core.screenable``, ``core.imageio``): blank and grey
#: whole; too elongated or too small for a cell, by how they start; a file of several images
#: (an animation, a TIFF of pages), by how it ends; a whole field unlike a smear, by how it
#: starts.
BLANK = "blank image: one colour all over, no cell to screen"
GREY = "grey image: the model screens stained cells in colour, and this image has none"
STRIP, TOO_SMALL = "a strip of ", "too small: "
SEVERAL = ": save each as its own file to screen it"
NOT_A_SMEAR = "does not look like a stained thin blood smear: "
NO_CELLS = "no cells found in this whole field"  # a whole field's reason (``core.pipeline``)


def kind_of(error: str) -> str:
    """The kind of a row's ``error`` ('' for a row without one, which has a call)."""
    if not error:
        return ""
    if error == NO_CELLS:
        return NO_CELL_FOUND
    if (error in (BLANK, GREY) or error.startswith((STRIP, TOO_SMALL, NOT_A_SMEAR))
            or error.endswith(SEVERAL)):
        return REFUSED
    return UNREADABLE


@dataclass(frozen=True)
class WithoutCall:
    """How many files have no call, of each kind (a whole field counts as one file)."""

    unreadable: int = 0
    refused: int = 0
    no_cell_found: int = 0

    @classmethod
    def of(cls, errors: Iterable[str]) -> WithoutCall:
        """How many of the rows whose ``errors`` these are have no call, of each kind."""
        kinds = Counter(kind_of(error) for error in errors if error)
        return cls(kinds[UNREADABLE], kinds[REFUSED], kinds[NO_CELL_FOUND])

    @property
    def total(self) -> int:
        return self.unreadable + self.refused + self.no_cell_found

    def words(self) -> str:
        """The kinds there are, in words: "2 unreadable, 3 refused as no stained cell image,
        1 whole field with no cell found" ('' when none)."""
        fields = counted(self.no_cell_found, "whole field", "whole fields")
        parts = (
            (self.unreadable, f"{self.unreadable:,} unreadable"),
            (self.refused, f"{self.refused:,} refused as no stained cell image"),
            (self.no_cell_found, f"{fields} with no cell found"),
        )
        return ", ".join(words for count, words in parts if count)

    def none_called(self) -> str:
        """Why a batch of these files alone has no call: "no image could be read" when none
        could, else the kinds ("no file has a call — 2 refused as no stained cell image")."""
        if self.total == self.unreadable:
            return "no image could be read"
        return f"no file has a call — {self.words()}"


def kinds_words(total: int, kinds: WithoutCall | None) -> str:
    """The :meth:`WithoutCall.words` of ``kinds`` when they are known and add up to ``total``
    (a signed result's count, told beside the batch as it is now); '' otherwise."""
    return kinds.words() if kinds is not None and kinds.total == total else ""
