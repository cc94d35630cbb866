"""Entry point of the frozen, windowed ``MalariaScope`` executable.

A double-click (no arguments) or a drop of files opens the window: ``MalariaScope a.png b/``
means ``malariascope gui a.png b/``. An explicit command still works, so
``MalariaScope gui --smoke-test`` and ``MalariaScope --version`` do what the CLI does. The
console twin ``malariascope-cli`` runs ``malariascope/__main__.py`` unchanged.
"""

from __future__ import annotations

import os
import sys

PASS_THROUGH = {"gui", "classify", "cases", "evaluate", "evaluate-fields", "train", "split",
                "adapt", "--version", "--help", "-h"}


def give_real_streams() -> None:
    """Point a missing ``sys.stdout``/``sys.stderr`` at the null device.

    A windowed Windows executable starts with both set to None, and ``print``, ``isatty()``
    and tqdm then fail; ``MalariaScope.exe classify`` must still run (to its CSV and exit code).
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def app_argv(argv: list[str]) -> list[str]:
    """``argv`` for the CLI: ``gui`` first unless a command or --version/--help is given."""
    argv = [arg for arg in argv if not arg.startswith("-psn_")]  # old macOS Finder launches
    if argv and argv[0] in PASS_THROUGH:
        return argv
    return ["gui", *argv]


if __name__ == "__main__":
    give_real_streams()
    from malariascope.cli import main

    raise SystemExit(main(app_argv(sys.argv[1:])))
