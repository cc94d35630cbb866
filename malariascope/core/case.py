"""A case: one slide of one patient, its facts, its sign-off and its review decisions.

A signed case is read-only; a later change is an amendment with a reason, which keeps the
signed version. The result is a :class:`~malariascope.core.parasitemia.CaseResult` of the
case's counts. Standard library only, like ``tally``: the window can hold a case before numpy
loads.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from malariascope.core.clock import utc_now
from malariascope.core.errors import CaseError, CaseSignedError
from malariascope.core.jsonfields import build, integer, text
from malariascope.core.parasitemia import (
    TARGET_DEFAULT,
    TARGET_MAX,
    TARGET_MIN,
    CaseResult,
    whole_number,
)
from malariascope.core.tally import PARASITIZED, UNINFECTED, UNSURE, Counts

if TYPE_CHECKING:  # the classifier pulls in numpy; a case is held before it loads
    from malariascope.core.classifier import CallRule

STAINS = ("Giemsa", "Field's", "other")
NOT_STATED = ""  # a stain nobody gave: the report says so rather than guess one
NOT_STATED_WORDS = "not stated"  # a stain or lab nobody gave, in the window and the PDF
NOT_GIVEN_WORDS = "not given"  # a patient's age or sex, a collection date nobody typed
SEXES = ("", "female", "male")
RBC_PER_UL_MIN, RBC_PER_UL_MAX = 100_000, 10_000_000
AGE_MAX = 120
LINE_MAX, NOTES_MAX = 100, 4000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXT_FACTS = {"sample_id": "slide (sample) id", "patient_id": "patient id", "sex": "sex",
              "collected_on": "collection date", "site": "site", "stain": "stain",
              "operator": "microscopist", "notes": "notes",
              "lab": "laboratory"}  # field: its name in messages


def _text(value: object, name: str, multiline: bool = False) -> str:
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
            object.__setattr__(self, name, _text(getattr(self, name), words, name == "notes"))
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


@dataclass(frozen=True)
class Signature:
    """Who signed the result, when (UTC), and how many flagged cells were unreviewed then."""

    name: str
    signed_at: str
    unreviewed_flagged: int

    def __post_init__(self) -> None:
        if not _text(self.name, "the signer's name"):
            raise CaseError("a signature needs the signer's name")
        whole_number(self.unreviewed_flagged, "unreviewed flagged cells", 0, 10**9)


@dataclass(frozen=True)
class SignedVersion:
    """The facts and the result exactly as they were signed."""

    facts: CaseFacts
    result: CaseResult
    signature: Signature


@dataclass(frozen=True)
class Amendment:
    """Why a signed case was opened again, by whom and when, with the version it replaced."""

    reason: str
    by: str
    at: str
    replaced: SignedVersion


@dataclass(frozen=True)
class ReviewDecision:
    """One press of a review key, for the audit: who, when (UTC), the model's call at the
    time, what was pressed (a call, ``unsure``, or empty for a review taken back) and the
    final call that followed (the model's, unless a call was pressed)."""

    row: int
    reviewer: str
    at: str
    model_call: str
    pressed: str
    final_call: str

    def __post_init__(self) -> None:
        whole_number(self.row, "row", 0, 10**9)
        if not _text(self.reviewer, "the reviewer's name"):
            raise CaseError("a review decision needs the reviewer's name")
        if self.model_call not in (PARASITIZED, UNINFECTED):
            raise CaseError(f"unknown model call {self.model_call!r}")
        if self.pressed not in (PARASITIZED, UNINFECTED, UNSURE, ""):
            raise CaseError(f"unknown review {self.pressed!r}")
        if self.final_call != (self.pressed if self.reviewed else self.model_call):
            raise CaseError(f"final call {self.final_call!r} does not follow from "
                            f"{self.pressed or 'no review'!r} on {self.model_call!r}")

    @property
    def reviewed(self) -> bool:
        """True when a call was pressed; ``unsure`` leaves the cell for a second reader."""
        return self.pressed in (PARASITIZED, UNINFECTED)

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _DECISION_FIELDS}

    @classmethod
    def from_dict(cls, data: object, name: str = "review decision") -> ReviewDecision:
        """A decision from :meth:`to_dict`'s object; ValueError says what is wrong."""
        try:
            return build(cls, data, _DECISION_FIELDS, name)
        except CaseError as exc:
            raise ValueError(f"{name}: {exc}") from exc


_DECISION_FIELDS = {"row": integer, "reviewer": text, "at": text, "model_call": text,
                    "pressed": text, "final_call": text}


def current_reviews(decisions: list[ReviewDecision]) -> dict[int, ReviewDecision]:
    """The last decision on each row, of ``decisions`` in the order they were made."""
    return {decision.row: decision for decision in decisions}


@dataclass
class Case:
    """A slide in the register: its facts, how it was screened, and its sign-off.

    ``rule`` is the threshold and uncertain band the calls were made with and ``sources`` the
    names of the files and folders added. Every change, by method or by assignment, is
    refused while the case is signed (``CaseSignedError``).
    """

    facts: CaseFacts = field(default_factory=CaseFacts)
    model: str = ""
    model_sha256: str = ""
    rule: CallRule | None = None
    sources: tuple[str, ...] = ()
    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=utc_now)
    amendments: tuple[Amendment, ...] = ()
    signed: SignedVersion | None = None  # set last: a signed case takes no other change

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "signed", None) is not None:
            raise CaseSignedError(self._signed_words())
        super().__setattr__(name, value)

    def _signed_words(self) -> str:
        return (f"case {self.name} is signed: amend it, with a "
                "reason, to change it")

    @property
    def name(self) -> str:
        """The slide id, or the case's short uid when it has none: how words name the case."""
        return self.facts.sample_id or self.uid[:8]

    @property
    def amending(self) -> bool:
        """True while an amendment is open: the signed result withdrawn until signed again."""
        return self.signed is None and bool(self.amendments)

    def check_open(self) -> None:
        """Raise :class:`CaseSignedError` when the case is signed (before adding images or
        reviews, which the case does not hold itself)."""
        if self.signed is not None:
            raise CaseSignedError(self._signed_words())

    def update(self, **facts: object) -> None:
        """Change some facts (by :class:`CaseFacts` field name), checked all together."""
        self.check_open()
        self.facts = replace(self.facts, **facts)

    def result(self, counts: Counts, unlike: str = "") -> CaseResult:
        """The result of the case's ``counts`` against its own target and red cell count,
        with the ``unlike`` limit's words when its cells look unlike the model's."""
        return CaseResult.of(counts, self.facts.target_cells, self.facts.rbc_per_ul, unlike)

    def sign(self, name: str, counts: Counts, at: str = "", unlike: str = "") -> SignedVersion:
        """Sign the result of ``counts`` (and its ``unlike`` limit) as ``name``; the case is
        read-only from then on."""
        self.check_open()
        if not self.facts.sample_id:
            raise CaseError("a case needs its slide (sample) id before it is signed")
        result = self.result(counts, unlike)
        signature = Signature(_text(name, "the signer's name"), at or utc_now(),
                              result.unreviewed_flagged)
        self.signed = SignedVersion(self.facts, result, signature)
        return self.signed

    def amend(self, reason: str, by: str, at: str = "") -> Amendment:
        """Open the signed case again for a change; the signed version is kept with the
        ``reason``, and the case is signed again once changed."""
        if self.signed is None:
            raise CaseError("only a signed case is amended; this one can be changed as it is")
        reason, by = _text(reason, "the reason", multiline=True), _text(by, "the name")
        if not reason or not by:
            raise CaseError("an amendment needs a reason and the name of who makes it")
        amendment = Amendment(reason, by, at or utc_now(), self.signed)
        object.__setattr__(self, "signed", None)  # the one way back from signed
        self.amendments = (*self.amendments, amendment)
        return amendment
