"""The printed report's lines on a case's amendments, under its sign-off: each amendment
with the version it replaced, then each amendment withdrawn unchanged.

Qt-free, as :mod:`malariascope.printing.content`, which puts the lines in its sign-off.
"""

from __future__ import annotations

from html import escape

from malariascope.core.case import Amendment, Case
from malariascope.core.clock import utc_minute
from malariascope.core.parasitemia import percent_text


def amendments_html(case: Case) -> str:
    """A paragraph for each amendment of ``case``, numbered, and each one withdrawn."""
    return ("".join(_amendment(number, amendment)
                    for number, amendment in enumerate(case.amendments, 1))
            + "".join(f"<p style='margin:3px'>{escape(note.words())}</p>"
                      for note in case.withdrawn))


def _amendment(number: int, amendment: Amendment) -> str:
    replaced = amendment.replaced
    signature, result = replaced.signature, replaced.result
    return (f"<p style='margin:3px'>Amendment {number}: {escape(utc_minute(amendment.at))} "
            f"by {escape(amendment.by)}: {escape(amendment.reason)}. It replaced the result "
            f"signed by {escape(signature.name)} on {escape(utc_minute(signature.signed_at))} "
            f"(parasitemia {percent_text(result.parasitemia) or 'none'} %, "
            f"{result.parasitized:,} of {result.cells_counted:,}).</p>")
