"""Stopping a screening within an image: the threads that load and screen its files are
each told its stop event (:func:`stop_thread_on`), and the long steps of a whole field's
screening call :func:`checkpoint` between their parts, which raises
:class:`~malariascope.core.errors.ScreeningStopped` once the event is set.

The event travels in a context variable, not as an argument through every step of cell
finding. In a thread told no event (the command line, ``evaluate-fields``),
:func:`checkpoint` does nothing and every step runs to its end.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar

from malariascope.core.errors import ScreeningStopped

_STOP: ContextVar[threading.Event | None] = ContextVar("screening_stop", default=None)


def stop_thread_on(stop: threading.Event | None) -> None:
    """Let the :func:`checkpoint` calls of the calling thread raise once ``stop`` is set: for
    a thread that serves one screening to its end (a loader of ``core.pipeline``)."""
    _STOP.set(stop)


def checkpoint() -> None:
    """Raise :class:`ScreeningStopped` when the screening in hand was asked to stop."""
    stop = _STOP.get()
    if stop is not None and stop.is_set():
        raise ScreeningStopped
