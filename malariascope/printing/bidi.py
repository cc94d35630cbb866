"""A case's own text (ids, names, notes, file names) as the printed report sets it: without
direction controls of its own, and, when it holds right-to-left letters, in a directional
isolate, so that neither those letters nor an override typed in it turn around the report's
words and figures beside it; its letters print in the order they are stored.

Qt-free, as :mod:`malariascope.printing.content`; Qt's text engine honours the isolates.
"""

from __future__ import annotations

import html
import unicodedata

from malariascope.core.casefacts import DIRECTION_CONTROLS

FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
_RIGHT_TO_LEFT = {"R", "AL", "AN"}  # Hebrew, Arabic letters and Arabic digits


def isolated(text: str) -> str:
    """``text`` without direction controls; in an isolate its first strong letter orients
    when it has right-to-left letters (left-to-right text is left as it is: a line of it
    reads the same in the report's left-to-right lines)."""
    text = without_controls(text)
    if any(unicodedata.bidirectional(letter) in _RIGHT_TO_LEFT for letter in text):
        return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
    return text


def without_controls(text: str) -> str:
    """``text`` without direction controls, for where it is not laid out (a PDF's title)."""
    return DIRECTION_CONTROLS.sub("", text)


def isolated_html(value: object) -> str:
    """``value`` as :func:`isolated` text, HTML-escaped."""
    return html.escape(isolated(str(value)))
