"""A child process's output held in a full pipe, so that a signal comes while it writes."""

from __future__ import annotations

import os


def full_pipe() -> tuple[int, int, int]:
    """A pipe whose buffer is full: its read end, its write end and the bytes in it."""
    read_end, write_end = os.pipe()
    return read_end, write_end, fill(write_end)


def fill(write_end: int) -> int:
    """Write to the pipe until its buffer is full; the bytes written."""
    os.set_blocking(write_end, False)
    filled = 0
    for size in (4096, 1):
        try:
            while True:
                filled += os.write(write_end, b"x" * size)
        except BlockingIOError:
            pass
    os.set_blocking(write_end, True)
    return filled


def blocked_writing(pid: int) -> bool:
    """True while the process waits in a write to a pipe that is full."""
    with open(f"/proc/{pid}/wchan", encoding="ascii") as wchan:
        return "pipe_write" in wchan.read()
