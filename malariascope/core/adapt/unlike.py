"""Does a batch look unlike the cells the model learned from? Two measures, one warning.

- The healthy-cell shift: most red cells of a whole field are healthy, so the median of a
  field's log-odds (before standardizing) is where its healthy cells score. Its distance from
  the model's own healthy cells (the card's ``healthy_log_odds``), in units of their spread
  (MAD), is the shift standardizing has to make up; the batch's shift is the median over its
  fields of at least ``standardize.MIN_CELLS`` cells. Single cells give none: a folder of
  cells may be any mix of classes.
- The uncertain fraction: the share of scored cells in the uncertain band.

A batch warns when either is beyond its limit. The limits were set with
``benchmarks/unlike_cells.py``. The bundled model's healthy cells shift by at most 1.5 MADs on
the 20 NIH validation slides it was calibrated on (each as a field at 2 % parasitemia), and by
more than 2 on 24 of the second lab's 30 fields (median 2.7, up to 6.4). Uncertain fractions do
not tell those two apart (at most 14 % and 12 %), so that limit only catches a batch far out of
both. A model adapted to a lab records its own limit: on unstandardized fields its band is wide
and its own lab's fields reach far higher fractions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from malariascope.core.adapt.cells import LabelledCells
from malariascope.core.adapt.fit import Calibration
from malariascope.core.classifier import CallRule
from malariascope.core.fields.standardize import MIN_CELLS, median_and_mad
from malariascope.core.logodds import uncertain_band
from malariascope.core.modelcard import ModelCard
from malariascope.core.pipeline import ScreeningResult, whole_files
from malariascope.core.words import counted

SHIFT_LIMIT = 2.0  #: healthy-cell shifts (in healthy MADs) beyond this warn
UNCERTAIN_LIMIT = 0.25  #: a batch with more of its cells uncertain warns (unless its card says)
#: An adapted model's limit lies this far above the most uncertain field or slide of its cells.
OWN_LIMIT_MARGIN = 1.25


@dataclass(frozen=True)
class Unlikeness:
    """How unlike the model's cells a batch looks, and whether to warn."""

    shift: float | None  # median healthy-cell shift over the batch's fields (healthy MADs)
    uncertain_fraction: float
    fields: int  # fields measured for the shift
    cells: int  # cells scored
    uncertain_limit: float = UNCERTAIN_LIMIT

    @property
    def shifted(self) -> bool:
        """Its healthy cells score beyond :data:`SHIFT_LIMIT` from the model's own."""
        return self.shift is not None and abs(self.shift) > SHIFT_LIMIT

    @property
    def too_uncertain(self) -> bool:
        """More of its cells are uncertain than the model's limit."""
        return self.uncertain_fraction > self.uncertain_limit

    @property
    def warn(self) -> bool:
        return self.shifted or self.too_uncertain

    @property
    def message(self) -> str:
        """The warning's words with the measured figures ('' when there is nothing to say)."""
        if not self.warn:
            return ""
        return ("this smear looks unlike the cells this model learned from: review calls, or "
                f"adapt ({self._measured()})")

    @property
    def limit(self) -> str:
        """The warning as a limit of a case's result, one sentence ('' when none)."""
        if not self.warn:
            return ""
        return (f"The cells look unlike those the model learned from ({self._measured()}): "
                "its calls may be less accurate than its card's figures.")

    def _measured(self) -> str:
        measured = [f"{100 * self.uncertain_fraction:.0f} % of cells uncertain"]
        if self.shift is not None:
            measured.insert(0, f"its healthy cells score {shift_words(self.shift)}, over "
                               f"{counted(self.fields, 'field')}")
        return "; ".join(measured)


def shift_words(shift: float) -> str:
    """How far a batch's healthy cells score from the model's own, in the spread (MAD) of
    the model's healthy cells."""
    if abs(shift) < 0.05:
        return "as the model's own healthy cells do"
    side = "above" if shift > 0 else "below"
    return f"{abs(shift):.1f} times the spread of the model's own healthy cells {side} them"


class UnlikeMeter:
    """Measures a batch's :class:`Unlikeness` a file at a time, as results stream in, under
    the call ``rule`` in use and the model ``card`` (its healthy log-odds, its limit)."""

    def __init__(self, rule: CallRule, card: ModelCard) -> None:
        self.rule, self.healthy = rule, card.healthy_log_odds
        self.limit = float((card.adapted or {}).get("uncertain_limit", UNCERTAIN_LIMIT))
        self._shifts: list[float] = []
        self._uncertain = self._cells = 0

    def add_file(self, file_results: Iterable[ScreeningResult]) -> None:
        """Count the results of one image file (all the cells of a whole field)."""
        scored = [r for r in file_results if r.probability is not None]
        self._cells += len(scored)
        self._uncertain += sum(self.rule.uncertain(r.probability, r.in_field) for r in scored)
        raw = [r.raw_probability for r in scored if r.raw_probability is not None]
        if self.healthy is not None and len(raw) >= MIN_CELLS:
            self._shifts.append((median_and_mad(raw)[0] - self.healthy[0]) / self.healthy[1])

    def unlikeness(self) -> Unlikeness:
        shift = float(np.median(self._shifts)) if self._shifts else None
        fraction = self._uncertain / self._cells if self._cells else 0.0
        return Unlikeness(shift, fraction, len(self._shifts), self._cells, self.limit)


def unlike_cells(results: Iterable[ScreeningResult], rule: CallRule,
                 card: ModelCard) -> Unlikeness:
    """The :class:`Unlikeness` of a batch's ``results`` under the call ``rule`` in use and the
    model ``card`` (its healthy log-odds and its uncertain limit)."""
    meter = UnlikeMeter(rule, card)
    for file_results in whole_files(results):
        meter.add_file(file_results)
    return meter.unlikeness()


def own_uncertain_limit(calibration: Calibration, cells: LabelledCells) -> float:
    """The uncertain limit of a model adapted to ``cells``: :data:`OWN_LIMIT_MARGIN` times
    the largest uncertain fraction of a field or slide of them, never below the default."""
    rule = CallRule(calibration.threshold, uncertain_band(calibration.threshold),
                    calibration.count_threshold)
    probabilities = calibration.probabilities(cells)
    in_field = cells.fields != ""
    uncertain = np.array([rule.uncertain(p, f) for p, f in zip(probabilities, in_field,
                                                               strict=True)])
    worst = max(float(uncertain[cells.groups == g].mean()) for g in np.unique(cells.groups))
    return round(max(UNCERTAIN_LIMIT, min(1.0, OWN_LIMIT_MARGIN * worst)), 3)
