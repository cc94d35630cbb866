"""A slide's parasitemia: red cells counted against a target, with a 95 % Wilson interval.

The figures come from the counts of :mod:`malariascope.core.tally`, the counting the window and
the summary CSV use, so a case's result cannot drift from what the technician saw. Standard
library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from malariascope.core.errors import CaseError
from malariascope.core.tally import Counts
from malariascope.core.words import counted, threshold_words

TARGET_DEFAULT, TARGET_MIN, TARGET_MAX = 2000, 100, 20_000
Z95 = NormalDist().inv_cdf(0.975)  # 1.96: the normal quantile of a two-sided 95 % interval
#: Parasites per µL are shown to this many significant figures, never finer than one parasite:
#: a count of a few thousand cells does not know them closer (the interval says how close).
DENSITY_FIGURES = 3
LIMITS = (
    "Thin film only: the share of red cells parasitized, without species or stage.",
    "A screening aid, not a diagnosis: a trained microscopist confirms the result.",
    "Low-density infections can be missed on a thin film: examine a thick film before "
    "calling a slide negative.",
)


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of the proportion ``successes / trials`` (without
    continuity correction). Unlike the normal approximation it stays within [0, 1] and is not
    empty at 0, which matters for the low parasitemias of most slides."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got "
                         f"{successes} of {trials}")
    z = Z95
    p, z2 = successes / trials, z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def rounded_density(value: float) -> int:
    """``value``, parasites per µL, to :data:`DENSITY_FIGURES` significant figures and never
    finer than a whole parasite: 366,879 is 367,000, 45.6 is 46."""
    if value <= 0:
        return 0
    places = min(0, DENSITY_FIGURES - 1 - math.floor(math.log10(value)))
    return int(round(value, places))


def whole_number(value: object, name: str, low: int, high: int) -> int:
    """``value`` if it is an int (not a bool) from ``low`` to ``high``; a CaseError naming
    ``name`` otherwise."""
    if type(value) is not int or not low <= value <= high:
        raise CaseError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}")
    return value


COUNT_NAMES = ("cells_counted", "parasitized", "model_parasitized", "reviewed",
               "unreviewed_flagged", "unreadable")


@dataclass(frozen=True)
class CaseResult:
    """The slide's figures: red cells counted against the target, and the final calls.

    ``model_parasitized`` is the model's count before review; ``unreviewed_flagged`` the
    cells called parasitized or uncertain, or marked unsure, that nobody has reviewed yet,
    ``unsure`` of them marked unsure (None in a result saved before it was counted: not
    recorded). ``threshold`` is the threshold that made the calls and ``model_threshold``
    the model card's (None: not recorded, or the card not known).
    """

    target_cells: int
    cells_counted: int
    parasitized: int
    model_parasitized: int
    reviewed: int
    unreviewed_flagged: int
    unreadable: int = 0  # files or fields without a call: not red cells counted
    rbc_per_ul: float | None = None
    #: the cells look unlike those the model learned from: that limit in words, or ""
    unlike: str = ""
    unsure: int | None = None  # of the flagged cells not reviewed, those marked unsure
    threshold: float | None = None
    model_threshold: float | None = None

    def __post_init__(self) -> None:
        whole_number(self.target_cells, "target red cell count", TARGET_MIN, TARGET_MAX)
        for name in COUNT_NAMES:
            whole_number(getattr(self, name), name.replace("_", " "), 0, 10**9)
        if max(self.parasitized, self.model_parasitized, self.reviewed,
               self.unreviewed_flagged) > self.cells_counted:
            raise CaseError("more cells called, reviewed or flagged than counted")
        if self.unsure is not None:
            whole_number(self.unsure, "unsure", 0, 10**9)
            if self.unsure > self.unreviewed_flagged:
                raise CaseError("more cells marked unsure than flagged cells not reviewed")
        if self.rbc_per_ul is not None and not isinstance(self.rbc_per_ul, float):
            raise CaseError(f"red cells per µL must be a number, not {self.rbc_per_ul!r}")
        if not isinstance(self.unlike, str):
            raise CaseError(f"the unlike limit must be words, not {self.unlike!r}")
        for name in ("threshold", "model_threshold"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, float) and 0 < value < 1):
                raise CaseError(f"the {name.replace('_', ' ')} must be a number between 0 "
                                f"and 1, not {value!r}")

    @classmethod
    def of(cls, counts: Counts, target_cells: int, rbc_per_ul: float | None = None,
           unlike: str = "", threshold: float | None = None,
           model_threshold: float | None = None) -> CaseResult:
        """The result of a whole slide's ``counts`` against ``target_cells``; parasites per µL
        only from a measured ``rbc_per_ul``; ``unlike``, the words of that limit if the cells
        look unlike the model's (``core.adapt.unlike``); the calls made at ``threshold``,
        the model card's being ``model_threshold``."""
        return cls(target_cells, counts.classified, counts.parasitized,
                   counts.model_parasitized, counts.reviewed, counts.unreviewed_flagged,
                   counts.errors, rbc_per_ul, unlike, counts.unsure, threshold, model_threshold)

    @property
    def uninfected(self) -> int:
        return self.cells_counted - self.parasitized

    @property
    def model_uninfected(self) -> int:
        return self.cells_counted - self.model_parasitized

    @property
    def target_reached(self) -> bool:
        return self.cells_counted >= self.target_cells

    @property
    def parasitemia(self) -> float | None:
        """Percent of the counted red cells finally called parasitized; None before any."""
        return 100.0 * self.parasitized / self.cells_counted if self.cells_counted else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The parasitemia's 95 % Wilson interval, in percent; None before any cell."""
        if not self.cells_counted:
            return None
        low, high = wilson_interval(self.parasitized, self.cells_counted)
        return 100.0 * low, 100.0 * high

    @property
    def parasites_per_ul(self) -> float | None:
        """Parasitized red cells per µL of blood; only from a red cell count that was given."""
        if self.rbc_per_ul is None or not self.cells_counted:
            return None
        return self.rbc_per_ul * self.parasitized / self.cells_counted

    @property
    def density_interval(self) -> tuple[float, float] | None:
        """Parasites per µL at the ends of the parasitemia's 95 % Wilson interval: that
        interval times the red cells per µL; None when parasites per µL are not given."""
        interval = self.interval
        if self.rbc_per_ul is None or interval is None:
            return None
        return self.rbc_per_ul * interval[0] / 100, self.rbc_per_ul * interval[1] / 100

    def density_words(self) -> tuple[str, str] | None:
        """Parasites per µL as shown, rounded (:func:`rounded_density`), and the words after
        it: ("367,000", " (95 % CI 212,000 to 618,000, from 4,800,000 red cells per µL
        entered)"); None when parasites per µL are not given."""
        density, interval = self.parasites_per_ul, self.density_interval
        if density is None or interval is None or self.rbc_per_ul is None:
            return None
        low, high = (f"{rounded_density(end):,}" for end in interval)
        return (f"{rounded_density(density):,}",
                f" (95 % CI {low} to {high}, from {self.rbc_per_ul:,.0f} red cells per µL "
                "entered)")

    @property
    def density_not_counted(self) -> str:
        """Why parasites per µL are not given though the red cells per µL were entered: no
        red cell was counted to take a share of them ('' when given or never entered)."""
        if self.rbc_per_ul is None or self.density_words() is not None:
            return ""
        return "not given: no red cell was counted"

    @property
    def unsure_words(self) -> str:
        """How many of the flagged cells not reviewed are marked unsure, to follow their
        count wherever it is shown: " (1 marked unsure)" ('' when none or not recorded)."""
        return f" ({self.unsure:,} marked unsure)" if self.unsure else ""

    @property
    def threshold_moved(self) -> str:
        """That the calls were made at a threshold other than the model card's, as the
        thresholds are shown, and what it does to the flagging ('' when not, or not known)."""
        if self.threshold is None or self.model_threshold is None:
            return ""
        used, card = threshold_words(self.threshold), threshold_words(self.model_threshold)
        if used == card:
            return ""
        higher, fewer = (("higher", "fewer") if self.threshold > self.model_threshold
                         else ("lower", "more"))
        return (f"The threshold {used} is not the model's {card}: a {higher} threshold calls "
                f"{fewer} cells parasitized and flags {fewer} for review.")

    def shortfalls(self) -> tuple[str, ...]:
        """This slide's shortfalls, in plain words: cells unlike the model's, a threshold
        moved from the model's, the target not reached, flagged cells not reviewed."""
        own = [line for line in (self.unlike, self.threshold_moved) if line]
        if not self.cells_counted:
            own.append(f"No red cells counted (the target is {self.target_cells:,}): there is "
                       "no parasitemia to give.")
        elif not self.target_reached:
            own.append(f"Fewer red cells counted ({self.cells_counted:,}) than the target "
                       f"({self.target_cells:,}): the interval is wider.")
        if self.unreviewed_flagged:
            verb = "was" if self.unreviewed_flagged == 1 else "were"
            own.append(f"{counted(self.unreviewed_flagged, 'flagged cell')} {verb} not "
                       f"reviewed{self.unsure_words}.")
        return tuple(own)

    def limits(self) -> tuple[str, ...]:
        """What the result cannot say, in plain words, this slide's shortfalls first."""
        return (*self.shortfalls(), *LIMITS)
