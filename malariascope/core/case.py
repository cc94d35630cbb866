"""A case: one slide of one patient, its facts, its sign-off and its review decisions.

A signed case is read-only; a later change is an amendment with a reason, which keeps the
signed version. The facts are checked in :mod:`~malariascope.core.casefacts` and the sign-off
held in :mod:`~malariascope.core.signing`. The result is a
:class:`~malariascope.core.parasitemia.CaseResult` of the case's counts. Standard library
only, like ``tally``: the window can hold a case before numpy loads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from malariascope.core.casefacts import (
    AGE_MAX,
    LINE_MAX,
    NOT_GIVEN_WORDS,
    NOT_STATED,
    NOT_STATED_WORDS,
    RBC_PER_UL_MAX,
    RBC_PER_UL_MIN,
    SEXES,
    STAINS,
    CaseFacts,
    checked_text,
    iso_day,
    typed_text,
)
from malariascope.core.clock import local_time, utc_now
from malariascope.core.errors import CaseError, CaseSignedError
from malariascope.core.jsonfields import build, integer, text
from malariascope.core.parasitemia import CaseResult, whole_number
from malariascope.core.signing import Amendment, Signature, SignedVersion, SignOff, Withdrawal
from malariascope.core.tally import PARASITIZED, UNINFECTED, UNSURE, Counts

if TYPE_CHECKING:  # the classifier pulls in numpy; a case is held before it loads
    from malariascope.core.classifier import CallRule
    from malariascope.core.extent import Extent

__all__ = [  # the facts and the sign-off have modules of their own; a case is imported whole
    "AGE_MAX", "LINE_MAX", "NOT_GIVEN_WORDS", "NOT_STATED", "NOT_STATED_WORDS",
    "RBC_PER_UL_MAX", "RBC_PER_UL_MIN", "SEXES", "STAINS", "Amendment", "Case",
    "CaseFacts", "ReviewDecision", "SignOff", "Signature", "SignedVersion", "Withdrawal",
    "current_reviews", "iso_day"]


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
        if not checked_text(self.reviewer, "the reviewer's name"):
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


def twin_place(twin: int) -> str:
    """What tells a case from the ``twin`` cases of the register opened before it in the same
    second, of the same patient and without a slide id (``Case.twin``): " (2)", " (3)"; ""
    for the first."""
    return f" ({twin + 1})" if twin else ""


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
    withdrawn: tuple[Withdrawal, ...] = ()  # amendments withdrawn unchanged, the first first
    #: cases of the register opened before it that its name would name too (the same
    #: second and patient, no slide id), as the register read it
    twin: int = field(default=0, compare=False)
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
        """How words name the case: its slide id; without one, as the technician knows it and
        the register lists it, by its patient and the second it was opened, so two cases of
        one patient opened in one minute have names of their own; one opened in the same
        second as another the register holds is told by its place among them: ``(2)``."""
        if self.facts.sample_id:
            return self.facts.sample_id
        patient = f"patient {self.facts.patient_id}, " if self.facts.patient_id else ""
        return (f"({patient}no slide id, opened {local_time(self.created_at, seconds=True)})"
                f"{twin_place(self.twin)}")

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

    def result(self, counts: Counts, unlike: str = "",
               model_threshold: float | None = None) -> CaseResult:
        """The result of the case's ``counts`` against its own target and red cell count,
        with the ``unlike`` limit's words when its cells look unlike the model's, at the
        threshold of its rule against the model card's ``model_threshold`` (None: unknown)."""
        threshold = None if self.rule is None else self.rule.threshold
        return CaseResult.of(counts, self.facts.target_cells, self.facts.rbc_per_ul, unlike,
                             threshold, model_threshold)

    def sign(self, name: str, counts: Counts, at: str = "", unlike: str = "",
             model_threshold: float | None = None) -> SignedVersion:
        """Sign the result of ``counts`` (with its ``unlike`` limit and ``model_threshold``,
        as :meth:`result`) as ``name``; the case is read-only from then on."""
        self.check_open()
        if not self.facts.sample_id:
            raise CaseError("a case needs its slide (sample) id before it is signed")
        result = self.result(counts, unlike, model_threshold)
        signature = Signature(typed_text(name, "the signer's name"), at or utc_now(),
                              result.unreviewed_flagged)
        self.signed = SignedVersion(self.facts, result, signature)
        return self.signed

    def amend(self, reason: str, by: str, at: str = "", decisions: int | None = None,
              extent: Extent | None = None) -> Amendment:
        """Open the signed case again for a change; the signed version is kept with the
        ``reason``, and the case is signed again once changed. ``decisions``, the review
        decisions the case holds now, and ``extent``, what its screening covers, let the
        amendment be withdrawn while nothing changed."""
        if self.signed is None:
            raise CaseError("only a signed case is amended; this one can be changed as it is")
        reason = typed_text(reason, "the reason", multiline=True)
        by = typed_text(by, "the name")
        if not reason or not by:
            raise CaseError("an amendment needs a reason and the name of who makes it")
        amendment = Amendment(reason, by, at or utc_now(), self.signed, self.rule, decisions,
                              self.sources, None if extent is None else extent.as_recorded(),
                              (self.model, self.model_sha256))
        object.__setattr__(self, "signed", None)  # the one way back from signed
        self.amendments = (*self.amendments, amendment)
        return amendment

    def amendment_changes(self, result: CaseResult, decisions: int,
                          extent: Extent) -> list[str]:
        """What changed since the open amendment opened, in words (see
        :meth:`Amendment.changes`; the arguments as :meth:`withdraw_amendment` takes them):
        empty when it may be withdrawn. CaseError when no amendment is open."""
        if not self.amending:
            raise CaseError(f"case {self.name} has no amendment open")
        return self.amendments[-1].changes(self.facts, result, self.rule, self.sources,
                                           decisions, extent, (self.model, self.model_sha256))

    def withdraw_amendment(self, result: CaseResult, decisions: int,
                           extent: Extent) -> SignedVersion:
        """Close the open amendment unchanged: the case is signed again as the version it
        replaced (same facts, result and signature), and the amendment is no longer the
        case's, as it changed nothing; :attr:`withdrawn` keeps a note of it. ``result`` is
        the case's result now, ``decisions`` the review decisions it holds and ``extent``
        what its screening covers; CaseError says what changed when something did (see
        :meth:`Amendment.changes`)."""
        changed = self.amendment_changes(result, decisions, extent)
        if changed:
            raise CaseError("; ".join(changed))
        amendment = self.amendments[-1]
        self.amendments = self.amendments[:-1]
        self.withdrawn = (*self.withdrawn, Withdrawal(amendment.reason, amendment.by,
                                                      amendment.at, utc_now()))
        self.signed = amendment.replaced
        return amendment.replaced
