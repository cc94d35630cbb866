"""Folders named by environment variables (``MALARIASCOPE_MODELS``,
``MALARIASCOPE_DATA_DIR``), refused by the variable's name when no system call could take
them."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from malariascope.core.errors import MalariaScopeError
from malariascope.core.words import shortened


def named_path(variable: str, error: type[MalariaScopeError], unset: str) -> Path | None:
    """The path the environment ``variable`` names; None when it is unset or empty.

    Raises ``error``, naming the variable, when the path is too long for the system (a name
    over 255 bytes, a path over 4,096 on Linux): each look at it would fail. ``unset`` says
    what the program uses when the variable is unset. (No variable holds a NUL character:
    the system passes the environment as C strings.)
    """
    value = os.environ.get(variable)
    if not value:
        return None
    try:
        os.lstat(value)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise error(f"{variable} is too long a path for this system ({exc.strerror}): "
                        f"'{shortened(value)}'; set it to an existing folder, or unset it "
                        f"for {unset}") from None
    return Path(value)
