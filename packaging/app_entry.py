"""Entry point of the frozen, windowed ``MalariaScope`` executable.

A double-click (no arguments) or a drop of files opens the window: ``MalariaScope a.png b/``
means ``malariascope gui a.png b/``. An explicit command still works, so
``MalariaScope gui --smoke-test`` and ``MalariaScope --version`` do what the CLI does. The
console twin ``malariascope-cli`` runs ``malariascope/__main__.py`` unchanged.
"""

from __future__ import annotations

import sys

from malariascope.cli import main

PASS_THROUGH = {"gui", "classify", "evaluate", "train", "--version", "--help", "-h"}


def app_argv(argv: list[str]) -> list[str]:
    """``argv`` for the CLI: ``gui`` first unless a command or --version/--help is given."""
    argv = [arg for arg in argv if not arg.startswith("-psn_")]  # old macOS Finder launches
    if argv and argv[0] in PASS_THROUGH:
        return argv
    return ["gui", *argv]


if __name__ == "__main__":
    raise SystemExit(main(app_argv(sys.argv[1:])))
