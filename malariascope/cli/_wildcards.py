"""Wildcards in path arguments: POSIX shells expand ``*.png`` before the program starts,
Windows shells (cmd.exe, PowerShell calling a program) pass it as typed, so there the CLI
expands it itself, as a POSIX shell would."""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

WILDCARDS = "*?["  #: the characters that make a path a pattern, as ``glob`` reads them


def expand_wildcards(paths: Sequence[Path], platform: str) -> list[Path]:
    """``paths`` with each pattern replaced by the paths it matches, sorted, when
    ``platform`` (``sys.platform``) is Windows. A path that exists as given is kept as it
    is, whatever it holds, and so is a pattern that matches nothing: it is then told as not
    found, by the name typed. Elsewhere the shell has expanded them, and ``paths`` are kept
    (a file named ``*.png`` there is that file)."""
    if platform != "win32":
        return list(paths)
    expanded: list[Path] = []
    for path in paths:
        text = str(path)
        matches = ([] if os.path.lexists(text) or not any(char in text for char in WILDCARDS)
                   else sorted(glob.glob(_pattern(path))))
        expanded.extend([Path(match) for match in matches] or [path])
    return expanded


def _pattern(path: Path) -> str:
    """``path`` as a ``glob`` pattern whose longest leading folder that exists is taken as
    typed: the brackets of ``C:\\runs [old]\\*.png`` name that folder, not a set."""
    for folder in path.parents:
        if os.path.isdir(folder):
            return os.path.join(glob.escape(str(folder)), path.relative_to(folder))
    return str(path)


class PathsAction(argparse.Action):
    """Store a command's image and folder paths with their wildcards expanded on Windows
    (:func:`expand_wildcards`)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        paths = cast("list[Path]", values)  # nargs "*" or "+": a list of path_argument's
        setattr(namespace, self.dest, expand_wildcards(paths, sys.platform))
