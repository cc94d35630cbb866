"""What the lab knows of a slide and its patient (:class:`CaseFacts`), checked as typed; the
one check of any text a case holds (and the stricter one of text typed now), and of the dates
it is given.

Standard library only, like ``case``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from malariascope.core.errors import CaseError
from malariascope.core.parasitemia import TARGET_DEFAULT, TARGET_MAX, TARGET_MIN, whole_number

LINE_MAX, NOTES_MAX = 100, 4000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Unicode's direction embeddings, overrides and isolates: invisible, they show the letters
#: after them out of order, so an id typed with one reads otherwise than it is. The marks
#: (LRM, RLM, ALM) are left to right-to-left typing: they reorder no letters.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def checked_text(value: object, name: str, multiline: bool = False) -> str:
    """``value`` checked as one line of text (or several, if ``multiline``), stripped."""
    if not isinstance(value, str):
        raise CaseError(f"{name} must be text, not {type(value).__name__}")
    text = value.replace("\r\n", "\n").strip()
    limit = NOTES_MAX if multiline else LINE_MAX
    if len(text) > limit:
        raise CaseError(f"{name} is longer than {limit:,} characters")
    if _CONTROL.search(text.replace("\n", "").replace("\t", "") if multiline else text):
        raise CaseError(f"{name} holds a control character (a line break where none belongs?)")
    return text


def typed_text(value: object, name: str, multiline: bool = False) -> str:
    """``value`` typed now (an argument, a box of the window) checked as :func:`checked_text`
    does, and refused with a direction control in it. Text a register or a session already
    holds is checked as :func:`checked_text` alone does, so it still opens."""
    text = checked_text(value, name, multiline)
    if found := DIRECTION_CONTROLS.search(text):
        raise CaseError(f"{name} holds the invisible direction control U+{ord(found[0]):04X}, "
                        "which shows the text around it out of order: type the text again "
                        "rather than paste it")
    return text


def check_typed(facts: Mapping[str, object]) -> None:
    """Refuse the text among ``facts`` (:class:`CaseFacts` names) typed now as
    :func:`typed_text` does."""
    for name, value in facts.items():
        if name in TEXT_FACTS:
            typed_text(value, TEXT_FACTS[name], name == "notes")


STAINS = ("Giemsa", "Field's", "other")
NOT_STATED = ""  # a stain nobody gave: the report says so rather than guess one
NOT_STATED_WORDS = "not stated"  # a stain or lab nobody gave, in the window and the PDF
NOT_GIVEN_WORDS = "not given"  # any other fact of the case nobody typed, in the PDF
SEXES = ("", "female", "male")
RBC_PER_UL_MIN, RBC_PER_UL_MAX = 100_000, 10_000_000
AGE_MAX = 120
TEXT_FACTS = {"sample_id": "slide (sample) id", "patient_id": "patient id", "sex": "sex",
              "collected_on": "collection date", "site": "site", "stain": "stain",
              "operator": "microscopist", "notes": "notes",
              "lab": "laboratory"}  # field: its name in messages
FACT_WORDS = {**TEXT_FACTS, "age_years": "age", "target_cells": "target red cell count",
              "rbc_per_ul": "red cells per µL"}


_BASIC_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20260227
_WEEK_DAY = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?")  # 2026-W09-5, 2026W095, 2026-W09


def iso_day(text: str, what: str = "") -> dt.date:
    """The day ``text`` (``what`` it is, for the message) names as an ISO date: 2026-02-27,
    20260227 and 2026-W09-5 alike, on every Python this runs on (3.10 reads only the first
    by itself). Such a day is kept as YYYY-MM-DD, the form the register's date search
    compares."""
    try:
        if basic := _BASIC_DAY.fullmatch(text):
            return dt.date(*map(int, basic.groups()))
        if week := _WEEK_DAY.fullmatch(text):
            year, number, day = week.groups()
            return dt.date.fromisocalendar(int(year), int(number), int(day or 1))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CaseError(f"{what}{' ' if what else ''}{text!r} is not a date as YYYY-MM-DD"
                        ) from None


@dataclass(frozen=True)
class CaseFacts:
    """What the lab knows of the slide and the patient; checked, surrounding spaces removed.

    ``collected_on`` is an ISO date (YYYY-MM-DD) or empty; ``rbc_per_ul`` is the patient's red
    cell count per microlitre, when measured: without it no parasite density is given.
    ``stain`` is one of :data:`STAINS`, or :data:`NOT_STATED`; ``lab`` is the laboratory's
    name (and place) that heads the printed report, kept with the case (and its signed
    version) so a reprint names the lab that made it.
    """

    sample_id: str = ""
    patient_id: str = ""
    age_years: int | None = None
    sex: str = ""
    collected_on: str = ""
    site: str = ""
    stain: str = NOT_STATED
    operator: str = ""  # the microscopist
    notes: str = ""
    target_cells: int = TARGET_DEFAULT
    rbc_per_ul: float | None = None
    lab: str = ""

    def __post_init__(self) -> None:
        for name, words in TEXT_FACTS.items():
            value = checked_text(getattr(self, name), words, name == "notes")
            object.__setattr__(self, name, value)
        if self.age_years is not None:
            whole_number(self.age_years, "age in years", 0, AGE_MAX)
        if self.sex not in SEXES:
            raise CaseError(f"sex must be one of female, male or empty, not {self.sex!r}")
        if self.stain not in (*STAINS, NOT_STATED):
            raise CaseError(f"stain must be one of {', '.join(STAINS)} or empty, not "
                            f"{self.stain!r}")
        whole_number(self.target_cells, "target red cell count", TARGET_MIN, TARGET_MAX)
        self._check_date()
        self._check_rbc()

    def differences(self, other: CaseFacts) -> list[str]:
        """The names (in words) of the facts that differ in ``other``."""
        return [words for name, words in FACT_WORDS.items()
                if getattr(self, name) != getattr(other, name)]

    def _check_date(self) -> None:
        if not self.collected_on:
            return
        day = iso_day(self.collected_on, "collection date")
        object.__setattr__(self, "collected_on", day.isoformat())
        if day > dt.date.today() + dt.timedelta(days=1):  # a day's grace for time zones
            raise CaseError(f"collection date {self.collected_on} is in the future")

    def _check_rbc(self) -> None:
        count = self.rbc_per_ul
        if count is None:
            return
        if isinstance(count, bool) or not isinstance(count, (int, float)) or not (
                RBC_PER_UL_MIN <= count <= RBC_PER_UL_MAX):
            raise CaseError(f"red cells per µL must be a number from {RBC_PER_UL_MIN:,} to "
                            f"{RBC_PER_UL_MAX:,} (usually 4 to 6 million), not {count!r}")
        object.__setattr__(self, "rbc_per_ul", float(count))
