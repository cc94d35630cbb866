"""Counting calls one way for everyone: the app's summary panel and the summary CSV.

Both count the *final* call (the technician's review where there is one), per batch and per
whole field, so parasitemia on screen and in the report cannot drift apart. Plain Python with
no imports beyond the standard library: the app's batch counts with it before numpy loads.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from malariascope.core.withoutcall import NO_CELL_FOUND, REFUSED, WithoutCall
from malariascope.core.words import counted

PARASITIZED, UNINFECTED = "parasitized", "uninfected"
UNSURE = "unsure"  # a reviewer's mark for a second reader: not a call, the cell stays unreviewed
CONFIRMED, OVERRIDDEN = "confirmed", "overridden"
#: Of a percentage on screen, printed and in every file: a lab system rounding a figure of
#: one to fewer places gets the printed report's figure, never another.
PERCENT_DECIMALS = 2


def review_of(call: str, pressed: str | None) -> str:
    """What a review says of the model's ``call``: ``confirmed`` when the reviewer ``pressed``
    the same call, ``overridden`` when another, ``unsure`` when they left the cell for a second
    reader, empty when the row was not reviewed.

    ``call`` is the model's call the reviewer saw when pressing (``ReviewDecision.model_call``):
    a call confirmed at one threshold stays confirmed when the threshold moves on, and one
    overridden stays overridden, though the model's call at the new threshold may differ.
    """
    if not pressed:
        return ""
    if pressed == UNSURE:
        return UNSURE
    return CONFIRMED if pressed == call else OVERRIDDEN


@dataclass(frozen=True)
class Verdict:
    """One report row as counting sees it."""

    final_call: str  # empty for a row without a call (unreadable file, field without cells)
    uncertain: bool = False
    reviewed: bool = False
    field_path: str = ""  # the whole field this row belongs to, if any
    model_call: str = ""  # the model's call where a review changed it; empty: the final call
    no_call: str = ""  # why a row without a call has none: a kind of ``core.withoutcall``
    unsure: bool = False  # a reviewer left the cell for a second reader
    learned: bool | None = None  # the model learned from the row's image; None: not known
    image_path: str = ""  # the row's image file: a learned image is counted once

    @property
    def flagged(self) -> bool:
        """Called parasitized by the model, uncertain, or marked unsure by a reviewer: a cell
        a reviewer should look at. The mark holds at any threshold: the second reader it waits
        for is not forgotten when the model stops flagging the cell."""
        return (self.unsure or self.uncertain
                or (self.model_call or self.final_call) == PARASITIZED)


@dataclass
class Counts:
    """Rows of a batch or of one field, and what was finally called."""

    rows: int = 0
    errors: int = 0  # rows without a call
    refused: int = 0  # of those, files read and refused as no stained cell image
    no_cell_found: int = 0  # of those, whole fields in which no cell was found
    parasitized: int = 0
    uninfected: int = 0
    uncertain: int = 0
    reviewed: int = 0
    unreviewed_uncertain: int = 0  # uncertain rows still without a final call
    model_parasitized: int = 0  # rows the model called parasitized, before any review
    unreviewed_flagged: int = 0  # rows flagged (``Verdict.flagged``), not reviewed yet
    unsure: int = 0  # of those, the rows marked unsure, waiting for a second reader

    @property
    def classified(self) -> int:
        return self.rows - self.errors

    @property
    def without_call(self) -> WithoutCall:
        """The rows without a call, by why they have none."""
        return WithoutCall(self.errors - self.refused - self.no_cell_found, self.refused,
                           self.no_cell_found)

    @property
    def percent_parasitized(self) -> float:
        """Parasitemia: percent of classified cells finally called parasitized (0 if none)."""
        return 100.0 * self.parasitized / self.classified if self.classified else 0.0

    def percent_text(self, decimals: int = PERCENT_DECIMALS, none: str = "") -> str:
        """The parasitemia as shown or written, ``none`` when no cell was called: a 0 read as
        a smear looked at and found clean (a field where no cell was found, a lens cap)."""
        return percent_text(self.percent_parasitized, decimals) if self.classified else none

    @property
    def cells_text(self) -> str:
        """The cells called and the rows without a call, one wording for the window, its
        messages and its smoke test: "476 cells, 2 errors"."""
        errors = f", {counted(self.errors, 'error')}" if self.errors else ""
        return counted(self.classified, "cell") + errors

    def add(self, verdict: Verdict, sign: int = 1) -> None:
        """Count a row in (``sign`` +1) or out again (-1, e.g. before a review changes it)."""
        self.rows += sign
        if not verdict.final_call:
            self.errors += sign
            self.refused += sign * (verdict.no_call == REFUSED)
            self.no_cell_found += sign * (verdict.no_call == NO_CELL_FOUND)
            return
        if verdict.final_call == PARASITIZED:
            self.parasitized += sign
        else:
            self.uninfected += sign
        self.uncertain += sign * verdict.uncertain
        self.reviewed += sign * verdict.reviewed
        self.unreviewed_uncertain += sign * (verdict.uncertain and not verdict.reviewed)
        self.model_parasitized += sign * ((verdict.model_call or verdict.final_call) == PARASITIZED)
        self.unreviewed_flagged += sign * (verdict.flagged and not verdict.reviewed)
        self.unsure += sign * verdict.unsure


@dataclass
class Tally:
    """Counts of the whole batch and of each whole field in it (in order of appearance)."""

    batch: Counts = field(default_factory=Counts)
    fields: dict[str, Counts] = field(default_factory=dict)
    learned_known: int = 0  # rows whose model card says whether it learned from their image
    learned_rows: Counter[str] = field(default_factory=Counter)  # of each learned image

    def add(self, verdict: Verdict, sign: int = 1) -> None:
        self.batch.add(verdict, sign)
        if verdict.field_path:
            self.fields.setdefault(verdict.field_path, Counts()).add(verdict, sign)
        self.learned_known += sign * (verdict.learned is not None)
        if verdict.learned:
            self.learned_rows[verdict.image_path] += sign

    @property
    def learned_images(self) -> int | None:
        """Distinct image files the model learned from; None when its card lists none."""
        if not self.learned_known:
            return None
        return sum(rows > 0 for rows in self.learned_rows.values())

    @property
    def images(self) -> int:
        """Image files: one per single-cell row, one per whole field."""
        return self.batch.rows - sum(c.rows for c in self.fields.values()) + len(self.fields)


def percent_text(value: float | None, decimals: int = PERCENT_DECIMALS) -> str:
    """A percentage as printed and exported, to ``decimals`` places; a share above zero that
    those would show as zero to its first figure (1 cell in 30,000: 0.003), and one below 100
    to as many places as show it below 100 (29,999 of 30,000: 99.997); empty when there is
    none (no cell counted)."""
    if value is None:
        return ""
    if 0 < value < 0.5 * 10 ** -decimals:  # its first significant figure
        decimals = -math.floor(math.log10(value))
        if round(value, decimals) >= 10 ** (1 - decimals):  # 0.00096 rounds to 0.001
            decimals -= 1
    while 100 - 0.5 * 10 ** -decimals <= value < 100:
        decimals += 1  # ends: past float's precision the bound is 100 itself
    return f"{value:.{decimals}f}"
