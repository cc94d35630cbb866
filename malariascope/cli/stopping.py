"""Ctrl-C, SIGTERM and SIGHUP (the terminal closed) during a command: ``classify`` stops after
the image, or at once, never between; ``train`` and ``split`` stop at once, until their output
goes into place; ``train``'s fit and predictions end the batch under way first.

Only the standard library is imported here, so building the parser stays instant.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn, TypeVar

if TYPE_CHECKING:
    from sys import UnraisableHookArgs

SignalTaker = TypeVar("SignalTaker", bound="_TakesSignals")
#: Ctrl-C, a stop asked for (a logout, a service stopped) and the terminal closed (POSIX)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, *filter(None, [getattr(signal, "SIGHUP", None)]))


class _TakesSignals:
    """Ctrl-C, SIGTERM and SIGHUP go to :meth:`_request` inside the block. After it the
    handlers from before are put back, or, ``for_good`` (the process ends with the block), the
    signals are ignored to the end.

    A KeyboardInterrupt that lands where Python cannot raise it (a weakref callback, a
    ``__del__``) is dropped without Python's "Exception ignored" traceback once a stop was
    asked for: the command's own look at ``stop`` ends the run."""

    def __init__(self, for_good: bool = False) -> None:
        self.stop = threading.Event()
        self._for_good = for_good
        self._previous: dict[int, object] = {}
        self._unraisable_hook = sys.unraisablehook

    def __enter__(self: SignalTaker) -> SignalTaker:
        for number in STOP_SIGNALS:
            if signal.getsignal(number) is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
                self._previous[number] = signal.signal(number, self._request)
        self._unraisable_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, signal.SIG_IGN if self._for_good else previous)
        sys.unraisablehook = self._unraisable_hook

    def _unraisable(self, unraisable: UnraisableHookArgs) -> None:
        if not (self.stop.is_set() and issubclass(unraisable.exc_type, KeyboardInterrupt)):
            self._unraisable_hook(unraisable)

    def _request(self, signum: int, frame: object) -> None:
        raise NotImplementedError


class StopAtOnce(_TakesSignals):
    """Ctrl-C and SIGTERM for a command that stops at once (``train``, ``split``): the first
    raises KeyboardInterrupt, as Python's own handler does, and is kept in ``stop`` too. A
    library may swallow the KeyboardInterrupt (raised in a lazy import of a C extension it
    becomes an ImportError, which a fallback catches); the command's next look at ``stop``
    still ends the run. Inside :meth:`checked` the first signal only sets ``stop``. Later
    signals are ignored, so that none cuts short the removal of what the run made; so are all
    from the moment its result goes into place (:meth:`commit`)."""

    def __init__(self, for_good: bool = False) -> None:
        super().__init__(for_good)
        self._committed = False
        self._checked = False  # the first signal waits for the block's own look at ``stop``

    def _request(self, signum: int, frame: object) -> None:
        if self._committed:
            return
        if self.stop.is_set():
            if self._checked:  # a second signal stops at once, a third is ignored
                self._checked = False
                raise KeyboardInterrupt
            return
        self.stop.set()
        if not self._checked:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def checked(self) -> Iterator[None]:
        """A block that looks at ``stop`` often (Keras's fit, at each batch's end): the first
        signal inside only sets it, since a KeyboardInterrupt that lands in one of
        TensorFlow's calls back into Python becomes a SystemError; a second raises at once."""
        self._checked = True
        try:
            yield
        finally:
            self._checked = False

    def commit(self, place: Callable[[], None]) -> None:
        """Call ``place`` (the renames that put the run's result in place) with the signals
        ignored from here on: the run then has its outcome, which a stop told as 130 would
        belie. A stop that a library swallowed before is raised instead."""
        self._committed = True
        if self.stop.is_set():
            raise KeyboardInterrupt
        place()

    @contextlib.contextmanager
    def imports(self) -> Iterator[None]:
        """Imports that a signal may cut short: their ImportError is the signal's
        KeyboardInterrupt once a stop was asked for."""
        try:
            yield
        except ImportError:
            if self.stop.is_set():
                raise KeyboardInterrupt from None
            raise


#: what a second Ctrl-C (SIGINT) or SIGTERM does, in the lines that tell of the first
AGAIN = "Ctrl-C or a stop signal again: stop now, no report"


class StopRequests(_TakesSignals):
    """Ctrl-C and SIGTERM during a batch, from before its model loads. The first sets
    ``stop``, which stops nothing by itself: the loop stops between images. A second raises
    KeyboardInterrupt (stop now, no report) until :meth:`commit` begins; inside
    :meth:`deferred` it is raised at the block's end. Signals are ignored
    from the moment the run stops at once (:meth:`stop_now`), commits, or cleans up after a
    failure (:meth:`clean_up`): so a second signal leaves the old report whole, or comes too
    late to stop the new one, and a third cannot cut the removal of the new files short."""

    def __init__(self, for_good: bool = False) -> None:
        super().__init__(for_good)
        self._shielded = False  # from here on signals are noted, never raised
        self._deferring = False  # a stop now waits for the end of :meth:`deferred`
        self._stop_now_asked = False

    def _request(self, signum: int, frame: object) -> None:
        if self._shielded:
            self._stop_now_asked = self._stop_now_asked or self.stop.is_set()
            return
        if self.stop.is_set():
            if self._deferring:
                self._stop_now_asked = True
                return
            self.stop_now()
        self.stop.set()
        print(f"\nmalariascope: stopping after this image ({AGAIN})", file=sys.stderr)

    def stop_now(self) -> NoReturn:
        """Raise KeyboardInterrupt: the run ends without a report, and the signals that come
        while its new files are removed are ignored. Should a library swallow the
        KeyboardInterrupt (importlib does, in a callback), :meth:`commit` raises it again."""
        self._shielded = self._stop_now_asked = True
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """A block that a second signal does not cut short (the report's files and locks being
        made, so that the writer exists to remove them): the stop now comes at its end. An
        error the block raises once a stop was asked for ends the run as a stop now: the
        stop is what the user asked for, and the exit code says so (130)."""
        self._deferring = True
        try:
            yield
        except Exception:
            if self.stop.is_set():
                self.stop_now()
            raise
        finally:
            self._deferring = False
        if self._stop_now_asked:
            self.stop_now()

    def commit(self, place: Callable[[], None]) -> None:
        """Call ``place`` (the report's renames) with signals ignored: a second signal that
        came before, even as this began, raises KeyboardInterrupt instead."""
        self._shielded = True
        if self._stop_now_asked:
            raise KeyboardInterrupt
        place()

    def clean_up(self, undo: Callable[[], None]) -> None:
        """Call ``undo`` (the new files removed, the report's locks let go) with signals
        ignored: the run is ending already."""
        self._shielded = True
        undo()
