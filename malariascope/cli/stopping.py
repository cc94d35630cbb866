"""Ctrl-C and SIGTERM during ``classify``: stop after the image, or at once, never between.

Only the standard library is imported here, so building the parser stays instant.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable


class StopRequests:
    """Ctrl-C and SIGTERM during a batch, from before its model loads. The first sets
    ``stop``, which stops nothing by itself: the loop stops between images. A second raises
    KeyboardInterrupt (stop now, no report) until :meth:`commit` begins; from then on signals
    are ignored. So a second signal leaves the old report whole, or comes too late to stop
    the new one: never anything between."""

    def __init__(self, for_good: bool = False) -> None:
        self.stop = threading.Event()
        self._for_good = for_good  # the process ends with the batch: ignore signals to its end
        self._committing = False
        self._second = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopRequests:
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._request)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, signal.SIG_IGN if self._for_good else previous)

    def _request(self, signum: int, frame: object) -> None:
        if self._committing:
            self._second = self.stop.is_set()
            return
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()
        print("\nmalariascope: stopping after this image (Ctrl-C again: stop now, no report)",
              file=sys.stderr)

    def commit(self, place: Callable[[], None]) -> None:
        """Call ``place`` (the report's renames) with signals ignored: a second signal that
        came before, even as this began, raises KeyboardInterrupt instead."""
        self._committing = True
        if self._second:
            raise KeyboardInterrupt
        place()
