"""The printed report's lines on a case's amendments, under its sign-off: each amendment
with the version it replaced and the flagged cells that version left, then each amendment
withdrawn unchanged.

Qt-free, as :mod:`malariascope.printing.content`, which puts the lines in its sign-off.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from malariascope.core.case import Amendment, Case, SignedVersion, Withdrawal
from malariascope.core.clock import utc_minute
from malariascope.core.tally import percent_text
from malariascope.printing.bidi import isolated, isolated_html


def amendments_html(case: Case) -> str:
    """A paragraph for each amendment of ``case``, numbered, and each one withdrawn."""
    return ("".join(_amendment(number, amendment)
                    for number, amendment in enumerate(case.amendments, 1))
            + "".join(f"<p style='margin:3px'>{_withdrawn(note)}</p>"
                      for note in case.withdrawn))


def left_at_signing(signed: SignedVersion) -> str:
    """The flagged cells ``signed`` left unreviewed, as its sign-off and the amendment that
    replaced it say: ``Flagged cells not reviewed at signing: 1 (1 marked unsure).``"""
    return (f"Flagged cells not reviewed at signing: {signed.signature.unreviewed_flagged:,}"
            f"{signed.result.unsure_words}.")


def _amendment(number: int, amendment: Amendment) -> str:
    replaced = amendment.replaced
    signature, result = replaced.signature, replaced.result
    return (f"<p style='margin:3px'>Amendment {number}: {escape(utc_minute(amendment.at))} "
            f"by {isolated_html(amendment.by)}: {isolated_html(amendment.reason)}. It replaced "
            f"the result signed by {isolated_html(signature.name)} on "
            f"{escape(utc_minute(signature.signed_at))} "
            f"(parasitemia {percent_text(result.parasitemia) or 'none'} %, "
            f"{result.parasitized:,} of {result.cells_counted:,}). "
            f"{left_at_signing(replaced)}</p>")


def _withdrawn(note: Withdrawal) -> str:
    """The note of an amendment withdrawn, its reason and name each in an isolate."""
    return escape(replace(note, by=isolated(note.by), reason=isolated(note.reason)).words())
