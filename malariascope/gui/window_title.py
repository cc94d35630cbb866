"""The window's title: the batch it holds, named by what it was opened from, and its state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from malariascope.core.names import source_name


def batch_title(sources: Sequence[str], state: str = "",
                waiting: Iterable[tuple[Sequence[Path], bool, str]] = ()) -> str:
    """The title naming a batch by its first three ``sources`` then the additions ``waiting``
    to be screened (``ScreeningController.waiting``), and its ``state`` when that is worth
    seeing all along: "restored" after a crash, "incomplete" after a cancel (the status line
    saying so fades). ``[*]`` is where Qt marks unsaved reviews."""
    later = (source_name(path) for paths, _, _ in waiting for path in paths)
    names = tuple(dict.fromkeys((*sources, *later)))
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    return f"MalariaScope — {f'{state}: ' if state else ''}{shown}[*]"
