"""What a command shares with the whole process it runs in: its standard streams, SIGTERM,
and how the process ends when the command was interrupted.

A command's problems go to stderr, but a batch must not depend on anyone reading them: stderr
may be a full disk (``2>/dev/full``), closed (``2>&-``) or a pipe whose reader has gone. Lines
that cannot be written are dropped; the report and the exit code still tell what happened.
What a command prints on stdout is its result instead: a write of it that fails is told in one
line (:class:`StdoutError`), but a reader that stopped reading (``| head``) wanted no more.

When the CLI owns its process (the ``malariascope`` program, not a test calling ``main``), it
also changes what belongs to the whole process for good: see :func:`sturdy_stderr`. Only the
standard library is imported here, so ``--help`` stays instant.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import TextIO


class DroppingStream:
    """A text stream that drops what it cannot write, and writes nowhere when there is no
    stream (Python sets ``sys.stderr`` to None when the process starts with it closed)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        # RuntimeError: a line written by a signal handler while another write was under way
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            if self.stream is not None:
                self.stream.write(text)
        return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            if self.stream is not None:
                self.stream.flush()

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


class StdoutError(Exception):
    """What a command prints could not be written (a full disk, an I/O error): unlike a line
    lost on stderr, it was the command's result."""


class CheckedStdout:
    """A text stream whose failed writes raise :class:`StdoutError` with the reason. Once its
    reader has left (``| head``: a broken pipe) what is left goes to the null device, as it
    goes when the process starts with stdout closed: the command runs on to its own exit
    code, whenever the reader left. Characters its encoding lacks (a patient's name on a
    Windows code page) are written as ``\\uXXXX`` escapes, as on stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        with _checked():
            try:
                self.stream.write(text)
            except UnicodeEncodeError:  # nothing was written: the text is encoded first
                encoding = self.stream.encoding
                self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        with _checked():
            self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


@contextlib.contextmanager
def _checked() -> Iterator[None]:
    """A failed write in the block raised as :class:`StdoutError`; one to a reader that left
    sends the rest of stdout to the null device."""
    try:
        yield
    except BrokenPipeError:
        drop_stdout()
    except OSError as exc:
        from malariascope.core.atomic import why

        raise StdoutError(why(exc)) from None


@contextlib.contextmanager
def checked_stdout() -> Iterator[None]:
    """``sys.stdout`` as a :class:`CheckedStdout` while a command runs (when there is one)."""
    previous = sys.stdout
    if previous is not None:
        sys.stdout = CheckedStdout(previous)
    try:
        yield
    finally:
        sys.stdout = previous


@contextlib.contextmanager
def sturdy_stderr(own_process: bool) -> Iterator[None]:
    """``sys.stderr`` as a :class:`DroppingStream` while a command runs.

    In its own process the CLI first gives any closed standard file descriptor the null device,
    so that no file it opens (a report) takes number 2 and receives a library's warnings; and
    the stream stays in place to the end, where Python's last flush of a broken stderr would
    otherwise turn the exit code into 120.
    """
    if own_process:
        _open_standard_descriptors()
    previous = sys.stderr
    sys.stderr = DroppingStream(previous)
    try:
        yield
    finally:
        if not own_process:
            sys.stderr = previous


def _open_standard_descriptors() -> None:
    """Point stdin, stdout and stderr at the null device where the process has none open."""
    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free number: this one


def sigterm_as_ctrl_c(command: str) -> None:
    """Let SIGTERM (a job's time limit, a logout) and SIGHUP (the terminal closed) stop a
    command as Ctrl-C does, so that the folders and temporary files it made are removed;
    ``classify`` and ``train`` then set their own handlers. A signal ignored from the start
    (nohup's SIGHUP) stays ignored. The window keeps the default: its autosave is its record."""
    if command == "gui":
        return
    for name in ("SIGTERM", "SIGHUP"):  # no SIGHUP on Windows
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, signal.default_int_handler)


def ignore_stops(command: str) -> None:
    """Ignore Ctrl-C, SIGTERM and SIGHUP from the moment a command (not the window) has its
    exit code: only the process's teardown is left, and a signal in it would end a finished
    run as stopped (130) or killed (143), its output written. Python puts a handler of its
    own back to the default as it ends, but leaves an ignored signal ignored. A teardown that
    hung would then end only by SIGKILL."""
    if command == "gui":
        return
    from malariascope.cli.stopping import STOP_SIGNALS

    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def end_interrupted(command: str, code: int) -> None:
    """End the process of an interrupted command (not the window's) at once with ``code``.
    Left to end as usual, Python ends a ``python -m`` process by SIGINT instead when a
    KeyboardInterrupt ever left code it ran from text (a dataclass being made during an
    import), even one caught since."""
    if command == "gui":
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def drop_stdout() -> None:
    """Send what is left for stdout to the null device: its reader has gone (``| head``), and
    Python's last flush would otherwise end the process with a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
