"""Stopping a screening within an image: the loading and screening of each of its files
runs told a stop event (:func:`stopping_on`), and the long steps of a whole field's
screening call :func:`checkpoint` between their parts, which raises
:class:`~malariascope.core.errors.ScreeningStopped` once the event is set.

The event travels in a context variable, not as an argument through every step of cell
finding. Told no event (``evaluate-fields``, the first file of a command line's batch),
:func:`checkpoint` does nothing and every step runs to its end.
"""

from __future__ import annotations

import threading
from contextvars import Context, ContextVar, copy_context

from malariascope.core.errors import ScreeningStopped

_STOP: ContextVar[threading.Event | None] = ContextVar("screening_stop", default=None)


def stopping_on(stop: threading.Event | None) -> Context:
    """A context to run one file's screening in (``Context.run``), whose :func:`checkpoint`
    calls raise once ``stop`` is set: the loaders of ``core.pipeline`` serve several."""
    context = copy_context()
    context.run(_STOP.set, stop)
    return context


def checkpoint() -> None:
    """Raise :class:`ScreeningStopped` when the screening in hand was asked to stop."""
    stop = _STOP.get()
    if stop is not None and stop.is_set():
        raise ScreeningStopped
