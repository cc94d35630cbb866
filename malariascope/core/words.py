"""Counts in words, one wording for every message: "1 cell", "2 cells", "1,204 cells"."""

from __future__ import annotations


def counted(count: int, noun: str, nouns: str = "") -> str:
    """``count`` with ``noun``, or with ``nouns`` (default ``noun`` + "s") unless it is 1."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
