"""A case's sign-off: the signature, the version it signed, and the amendments that open a
signed case again.

An amendment notes the case as it found it (the model that called it, its call rule, how
many review decisions it held, what its screening covered), so that one which changed
nothing can be withdrawn: the case is then signed as it was, by the same signature
(:meth:`Amendment.changes`). Standard library only, like ``case``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from malariascope.core.casefacts import checked_text
from malariascope.core.clock import utc_minute
from malariascope.core.errors import CaseError
from malariascope.core.parasitemia import CaseResult, whole_number
from malariascope.core.words import counted, threshold_words

if TYPE_CHECKING:  # the classifier pulls in numpy; a case is held before it loads
    from malariascope.core.casefacts import CaseFacts
    from malariascope.core.classifier import CallRule
    from malariascope.core.extent import Extent
    from malariascope.core.leftout import LeftOut

RESULT_WORDS = {"cells_counted": "cells counted", "parasitized": "cells called parasitized",
                "model_parasitized": "cells the model called parasitized",
                "reviewed": "cells reviewed", "unreviewed_flagged": "flagged cells unreviewed",
                "unreadable": "files or fields without a call"}  # a CaseResult count: its words


@dataclass(frozen=True)
class Signature:
    """Who signed the result, when (UTC), and how many flagged cells were unreviewed then."""

    name: str
    signed_at: str
    unreviewed_flagged: int

    def __post_init__(self) -> None:
        if not checked_text(self.name, "the signer's name"):
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
    """Why a signed case was opened again, by whom and when, with the version it replaced.

    ``rule`` is the call rule the case had as the amendment opened, ``decisions`` the
    review decisions it held then, ``sources`` what its images were opened from,
    ``extent`` what its screening covered, as its records keep it
    (:meth:`Extent.as_recorded <malariascope.core.extent.Extent.as_recorded>`), and
    ``model`` the name and sha256 of the model that called its cells; None for an
    amendment opened before they were noted (it is never withdrawn).
    """

    reason: str
    by: str
    at: str
    replaced: SignedVersion
    rule: CallRule | None = None
    decisions: int | None = None
    sources: tuple[str, ...] | None = None
    extent: Extent | None = None
    model: tuple[str, str] | None = None

    def changes(self, facts: CaseFacts, result: CaseResult, rule: CallRule | None,
                sources: tuple[str, ...], decisions: int, extent: Extent,
                model: tuple[str, str]) -> list[str]:
        """What changed in the case since this amendment opened, in words; empty when nothing
        did, and the amendment may be withdrawn.

        The case is unchanged when its ``facts`` are the signed ones, its ``result`` now equals
        the signed result (every cell is counted or without a call, and no final call
        differs), its call ``rule`` is the one noted (to rounding: a threshold moved and put back
        is the same rule), its ``sources`` are the noted ones, it holds the noted number of
        review ``decisions``, its screening's ``extent`` is recorded as noted (cut short
        or not, the image files found, the copies left out) and its cells are the noted
        ``model``'s (name and sha256): equal counts from another model are another result.
        A file or folder opened during the amendment under a name new to the case adds to
        its sources, even when screening was cancelled or found only copies, and each review
        decision stays in the audit trail: neither is taken back.
        """
        if (self.decisions is None or self.sources is None or self.extent is None
                or self.model is None):
            return ["the amendment was opened by an earlier MalariaScope, which did not note "
                    "the case as it found it"]
        names = facts.differences(self.replaced.facts)
        changed = [f"the {', '.join(names)}"] if names else []
        if model != self.model:
            changed.append(_model_change(self.model[0], model[0]))
        changed += _result_changes(self.replaced.result, result)
        if not same_rule(self.rule, rule):
            changed.append(_rule_change(self.rule, rule))
        if sources != self.sources:
            changed.append("images opened")
        changed += _extent_changes(self.extent, extent.as_recorded())
        if decisions != self.decisions:
            changed.append(f"{counted(decisions - self.decisions, 'review decision')} made")
        return changed


@dataclass(frozen=True)
class Withdrawal:
    """An amendment withdrawn unchanged, as the case's record keeps it: its ``reason`` and
    who opened it (``by``) as it noted them, when it was opened and when withdrawn (UTC)."""

    reason: str
    by: str
    opened_at: str
    withdrawn_at: str

    def words(self) -> str:
        """The note as the case's record tells it, on the Case tab and in the printed
        report: ``Amendment withdrawn unchanged: opened 2026-03-05 08:00 UTC by Bob: wrong
        slide; withdrawn 2026-03-05 08:04 UTC.``"""
        return (f"Amendment withdrawn unchanged: opened {utc_minute(self.opened_at)} by "
                f"{self.by}: {self.reason}; withdrawn {utc_minute(self.withdrawn_at)}.")


class Noted(Protocol):
    """An amendment as its words tell it: when (UTC, ISO), by whom and why; the case's
    :class:`Amendment` and the register's list's note alike."""

    @property
    def at(self) -> str: ...
    @property
    def by(self) -> str: ...
    @property
    def reason(self) -> str: ...


@dataclass(frozen=True)
class SignOff:
    """A signed case's signature and the amendments it followed, the first first: what a
    report's summary tells of who signed it, and whether it was signed before."""

    signature: Signature
    amended: tuple[Noted, ...] = ()


def amended_words(count: int) -> str:
    """A case's amendments as its status says them in the lists and the title: ``amended
    2×``."""
    return f"amended {count}×"


def amendments_detail(amended: Iterable[Noted]) -> str:
    """Each amendment, the first first, numbered as the PDF numbers them and parted by "; ":
    ``1. 2026-12-05 14:02 UTC, "Ann Lee": "wrong slide id"; 2. ...`` ('' when none), in the
    register's export and a report's summary. The name and the reason are quoted, their
    quotes doubled, so a "; 2. " typed in either never reads as the next amendment."""
    return "; ".join(f"{number}. {utc_minute(note.at)}, {_quoted(note.by)}: "
                     f"{_quoted(note.reason)}" for number, note in enumerate(amended, 1))


def amendments_withdrawn(withdrawn: Iterable[Withdrawal]) -> str:
    """Each amendment withdrawn unchanged, the first first, worded as
    :func:`amendments_detail`: ``1. opened 2026-12-06 10:02 UTC, withdrawn 2026-12-06
    10:31 UTC, "A. Reader": "reason"`` ('' when none)."""
    return "; ".join(f"{number}. opened {utc_minute(note.opened_at)}, withdrawn "
                     f"{utc_minute(note.withdrawn_at)}, {_quoted(note.by)}: "
                     f"{_quoted(note.reason)}" for number, note in enumerate(withdrawn, 1))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _result_changes(signed: CaseResult, now: CaseResult) -> list[str]:
    """The counts of the result that moved from ``signed`` to ``now``, in words."""
    changed = [f"{words} {getattr(signed, name):,} → {getattr(now, name):,}"
               for name, words in RESULT_WORDS.items()
               if getattr(signed, name) != getattr(now, name)]
    if signed.unlike != now.unlike:
        changed.append("whether the cells look unlike the model's")
    return changed


def _model_change(noted: str, now: str) -> str:
    """The model's change from ``noted`` to ``now`` (names), in words."""
    return f"the model {noted} → {now}" if noted and now and noted != now else "the model"


def _extent_changes(noted: Extent, now: Extent) -> list[str]:
    """What moved in the screening's extent from ``noted`` to ``now`` (both as recorded)."""
    changed = []
    if bool(noted.cut_short) != bool(now.cut_short):
        changed.append(f"the screening was {'cut short' if now.cut_short else 'completed'}")
    if noted.files != now.files:
        changed.append(f"image files found {noted.files:,} → {now.files:,}")
    if noted.copies != now.copies:
        changed.append(_copies_change(noted.copies, now.copies))
    return changed


def _copies_change(noted: LeftOut | None, now: LeftOut | None) -> str:
    """The copies left out, moved from ``noted`` to ``now`` (None: not recorded), in words."""
    if noted is None or now is None or noted.count == now.count:
        return "the files left out as copies"
    return f"files left out as copies {noted.count:,} → {now.count:,}"


def _rule_change(noted: CallRule | None, now: CallRule | None) -> str:
    if noted is None or now is None or noted.threshold == now.threshold:
        return "the call rule"
    return f"the threshold {threshold_words(noted.threshold)} → {threshold_words(now.threshold)}"


def same_rule(noted: CallRule | None, now: CallRule | None) -> bool:
    """True when the rules are equal but for the rounding of a threshold moved and back."""
    if noted is None or now is None:
        return noted is now
    return all(math.isclose(a, b, rel_tol=1e-9) if a is not None and b is not None
               else a is b for a, b in zip(_figures(noted), _figures(now), strict=True))


def _figures(rule: CallRule) -> tuple[float | None, ...]:
    return (rule.threshold, *rule.band, rule.field_threshold)
