"""Plain-Python signals of the batch: the widgets subscribe, the batch emits (the napari habit).

No Qt: the batch changes only on the UI thread, so callbacks run synchronously there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class Event:
    """A minimal signal: ``connect(callback)`` then ``emit(*args)`` calls each callback, until
    it is disconnected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., object]] = []

    def connect(self, callback: Callable[..., object]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., object]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: object) -> None:
        for callback in list(self._callbacks):
            callback(*args)


@dataclass
class BatchEvents:
    """What a batch announces; ``changed`` follows each of the others but ``facts_changed``
    and ``renamed`` (summaries count rows, not facts or names)."""

    reset: Event = field(default_factory=Event)  # new batch: everything cleared
    appended: Event = field(default_factory=Event)  # (first_row, last_row) inclusive
    relabelled: Event = field(default_factory=Event)  # threshold moved: calls may differ
    reviewed: Event = field(default_factory=Event)  # (rows,) sorted
    facts_changed: Event = field(default_factory=Event)  # sample id, operator or model
    renamed: Event = field(default_factory=Event)  # rows are named from another folder
    changed: Event = field(default_factory=Event)
