"""Entry point of the ``malariascope`` program (and ``python -m malariascope``)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

from malariascope import cli
from malariascope.cli._common import EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    """The CLI, owning its process (see :func:`malariascope.cli.main`)."""
    code = cli.main(argv, own_process=True)
    if code == EXIT_INTERRUPTED:
        _end_interrupted()
    return code


def _end_interrupted() -> NoReturn:
    """End an interrupted run at once with its own exit code. Left to finish as usual, CPython
    ends a ``python -m`` process by SIGINT if a KeyboardInterrupt ever left code it ran from
    text (a dataclass being made during an import), even one caught since."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    raise SystemExit(main())
