"""``malariascope gui [PATH...]``: the desktop app, also what runs with no command."""

from __future__ import annotations

import argparse

from malariascope.cli._common import path_argument
from malariascope.cli._wildcards import PathsAction

HELP = "open the desktop app (the default with no command)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``gui``."""
    parser.add_argument("paths", nargs="*", type=path_argument, action=PathsAction,
                        metavar="PATH", help="images or folders")
    parser.add_argument("--smoke-test", action="store_true",
                        help="show the window, load the model, screen PATHs, print timings, exit")


def run(args: argparse.Namespace) -> int:
    """Open the window on ``args.paths``; the app's exit code."""
    from malariascope.gui import display

    display.check()  # before PySide6 loads: no display or a missing library is one line
    from malariascope.gui.app import run as run_app  # PySide6 only here

    return run_app(args.paths, smoke_test=args.smoke_test)
