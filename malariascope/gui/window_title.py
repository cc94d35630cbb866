"""The window's title: the batch it holds, named by what it was opened from, and its state."""

from __future__ import annotations

from collections.abc import Sequence


def batch_title(sources: Sequence[str], state: str = "") -> str:
    """The title naming a batch by its first three ``sources``, and its ``state`` when that is
    worth seeing all along: "restored" after a crash, "incomplete" after a cancel (the status
    line saying so fades). ``[*]`` is where Qt marks unsaved reviews."""
    shown = ", ".join(sources[:3]) + ("…" if len(sources) > 3 else "")
    return f"MalariaScope — {f'{state}: ' if state else ''}{shown}[*]"
