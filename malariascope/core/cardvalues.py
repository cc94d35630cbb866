"""Typed reads of a model card's JSON: each value's type checked as it is read, by its name.

A value that is not what the card's reader expects (a string for a number, a list for an
object, NaN, a missing key) is one :class:`~malariascope.core.errors.ModelError` naming the
value, so that a damaged or hand-edited card never reaches the classifier.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from malariascope.core.errors import ModelError

_REQUIRED: Any = object()  # a default that makes a missing value an error
_SHOWN = 40  # characters of a wrong value quoted in a message


def _number(value: object) -> float | None:
    """``value`` as a float when JSON gave a number (true and false are not), else None."""
    if type(value) not in (int, float):
        return None
    try:
        return float(value)
    except OverflowError:  # a whole number of hundreds of digits
        return math.inf


def one_line(text: str) -> bool:
    """True when ``text`` holds no control or format character and no line or paragraph
    separator (Unicode categories C, Zl and Zp)."""
    return not any(unicodedata.category(char)[0] == "C" or unicodedata.category(char) in
                   ("Zl", "Zp") for char in text)


def shown(value: object) -> str:
    """A wrong value as a message quotes it: short, or what kind of JSON value it is."""
    kinds = {dict: "an object", bool: "true or false", type(None): "null"}
    if type(value) in kinds:
        return kinds[type(value)]
    text = repr(value)
    if len(text) <= _SHOWN:
        return text
    return f"a list of {len(value)}" if isinstance(value, list) else text[:_SHOWN] + "..."


def invalid(where: str, name: str, what: str, value: object) -> ModelError:
    """The one error of a wrong value in the card ``where``: what it must be, what it is."""
    return ModelError(f"model card {where} is invalid: {name} must be {what}, "
                      f"got {shown(value)}")


def check_band(where: str, threshold: float, band: tuple[float, float]) -> None:
    """Refuse an uncertain ``band`` that is not [low, high] within 0 to 1, or that does not
    hold ``threshold``, naming which: a valid band beside its threshold is not a bad band."""
    low, high = band
    low_text, high_text, threshold_text = _rounded(low, high, threshold)
    shown_band = f"[{low_text}, {high_text}]"
    if not 0 <= low <= high <= 1:
        raise ModelError(f"model card {where} is invalid: uncertain_band must be [low, high] "
                         f"with 0 <= low <= high <= 1, got {shown_band}")
    if not low <= threshold <= high:
        raise ModelError(f"model card {where} is invalid: threshold {threshold_text} lies "
                         f"outside uncertain_band {shown_band}: the band must hold the "
                         "threshold")


def _rounded(*numbers: float) -> list[str]:
    """``numbers`` to 3 significant digits, or in full when rounding would make two of them
    alike, so a message never shows a threshold on its band's edge that is not there."""
    short = [f"{number:.3g}" for number in numbers]
    return short if len(set(short)) == len(set(numbers)) else [repr(n) for n in numbers]


class CardValues:
    """The members of one JSON object of a card, read by name with their type checked.

    ``where`` names the card in messages; ``prefix`` names this object within it (``head.``).
    A member that is absent or null takes the default given; without one it is an error.
    """

    def __init__(self, data: object, where: str, prefix: str = "") -> None:
        self.where, self.prefix = where, prefix
        if not isinstance(data, dict):
            raise self.error(prefix.rstrip(".") or "the card", "a JSON object", data)
        self.data: dict[str, object] = data

    def error(self, name: str, what: str, value: object) -> ModelError:
        return invalid(self.where, name, what, value)

    def _get(self, key: str, default: object) -> object:
        value = self.data.get(key)
        if value is None and default is _REQUIRED:
            raise ModelError(f"model card {self.where} is invalid: it lacks {self.prefix}{key}")
        return default if value is None else value

    def check(self, ok: bool, key: str, what: str, value: object) -> None:
        """Refuse ``value`` of ``key`` unless ``ok``."""
        if not ok:
            raise self.error(self.prefix + key, what, value)

    def text(self, key: str, default: str | None = _REQUIRED) -> str | None:
        """Text on one line: a card's words go into every report's rows and the PDF, where a
        line break or an escape sequence would split a row or be obeyed by a terminal; any
        space (a no-break space pasted from a document) is fine."""
        value = self._get(key, default)
        ok = value is default or (isinstance(value, str) and one_line(value))
        self.check(ok, key, "text on one line, without control characters", value)
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        self.check(isinstance(value, bool), key, "true or false", value)
        return value

    def whole(self, key: str, default: int | None = _REQUIRED) -> int | None:
        """A whole number of at least 0."""
        value = self._get(key, default)
        ok = value is default or (type(value) is int and value >= 0)
        self.check(ok, key, "a whole number of at least 0", value)
        return value

    def real(self, key: str, default: float | None = _REQUIRED, nan: bool = False
             ) -> float | None:
        """The number under ``key``.

        Parameters
        ----------
        key, default
            Its name, and what an absent or null value gives (without one, an error).
        nan
            NaN is taken too (a figure undefined on the data); infinities never are.

        Returns
        -------
        float | None
        """
        value = self._get(key, default)
        if value is default:
            return value
        number = _number(value)
        ok = number is not None and (math.isfinite(number) or nan and math.isnan(number))
        self.check(ok, key, "a finite number", value)
        return number

    def reals(self, key: str, length: int | None = None) -> tuple[float, ...]:
        """A non-empty list of finite numbers (of ``length`` when given)."""
        value = self._get(key, _REQUIRED)
        what = f"a list of {length} numbers" if length else "a list of numbers"
        numbers = [_number(v) for v in value] if isinstance(value, list) else []
        ok = (len(numbers) > 0 and (length is None or len(numbers) == length)
              and all(n is not None and math.isfinite(n) for n in numbers))
        self.check(ok, key, what, value)
        return tuple(numbers)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, [])
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        self.check(ok, key, "a list of text", value)
        return tuple(value)

    def member(self, key: str, required: bool = True) -> CardValues | None:
        """The JSON object under ``key``; None when it is absent and not ``required``."""
        value = self._get(key, _REQUIRED if required else None)
        return None if value is None else CardValues(value, self.where, f"{self.prefix}{key}.")

    def counts(self, key: str) -> dict[str, dict[str, int] | int]:
        """The object under ``key`` of whole numbers and objects of whole numbers (the cells
        per class of each part of the data, and counts such as ``validation_slides``); empty
        when it is absent."""
        counted = self.member(key, required=False)
        if counted is None:
            return {}
        counts: dict[str, dict[str, int] | int] = {}
        for name, value in counted.data.items():
            inner = counted.member(name) if isinstance(value, dict) else None
            counts[name] = ({part: inner.whole(part) for part in inner.data} if inner
                            else counted.whole(name))
        return counts
