"""A case's sign-off: the signature, the version it signed, and the amendments that open a
signed case again. Standard library only, like ``case``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from malariascope.core.casefacts import checked_text
from malariascope.core.errors import CaseError
from malariascope.core.parasitemia import CaseResult, whole_number

if TYPE_CHECKING:  # the classifier pulls in numpy; a case is held before it loads
    from malariascope.core.casefacts import CaseFacts


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
    """Why a signed case was opened again, by whom and when, with the version it replaced."""

    reason: str
    by: str
    at: str
    replaced: SignedVersion
