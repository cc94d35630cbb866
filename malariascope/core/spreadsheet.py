"""Text for the CSV files the app writes, which labs open in Excel: one encoding, no formulas.

Files are UTF-8 with a BOM, so that Excel reads them as UTF-8. Text typed or named by people
(file names, sample ids, operators, notes) could start a spreadsheet formula, so every cell
that begins with one of :data:`FORMULA_STARTS` is prefixed with ``'``, as OWASP advises against
CSV injection: a spreadsheet then shows it as text and never runs it. A plain negative number
(a measured shift) is a figure, not a formula, and is left as it is.
"""

from __future__ import annotations

import re

ENCODING = "utf-8-sig"
#: What becomes of text UTF-8 cannot hold (an operator's name typed in a non-UTF-8 terminal
#: reaches Python with surrogates): an escape, not a failed file.
ENCODING_ERRORS = "backslashreplace"
#: The first characters that make a spreadsheet read a cell as a formula: OWASP's list (equals,
#: plus, minus, at, tab, carriage return, line feed) and the null ASVS 1.2.10 adds.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
NEGATIVE_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?")


def neutralised(text: str) -> str:
    """``text`` that a spreadsheet shows as text, never runs as a formula."""
    if not text.startswith(FORMULA_STARTS) or NEGATIVE_NUMBER.fullmatch(text):
        return text
    return f"'{text}"
