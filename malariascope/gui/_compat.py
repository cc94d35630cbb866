"""A guard against a reference-counting bug of PySide6 6.12 on Python 3.10 and 3.11.

In shiboken6 6.12.0, Qt functions returning ``void`` hand back ``None`` without a new
reference, and ``Signal.emit`` does the same with ``True``. Each call takes one reference
away, so after a few thousand calls (minutes of use) CPython deallocates ``None`` or
``True`` and aborts with "none_dealloc"/"bool_dealloc". Python 3.12 made these objects
immortal, which hides the bug there; 6.11 is not affected.

The guard gives the three singletons enough references to outlive any session, which is
what immortality means in 3.12. It is a no-op elsewhere; remove it once 6.12 is fixed.
"""

from __future__ import annotations

import ctypes
import platform
import sys

EXTRA_REFERENCES = 1 << 40  # ~10^12 calls: never reached in a session


def needs_guard(python: tuple[int, int], shiboken: str, implementation: str) -> bool:
    """True on CPython < 3.12 with shiboken6 6.12 (later 6.x assumed affected until known)."""
    major, minor = (int(part) for part in shiboken.split(".")[:2])
    return implementation == "CPython" and python < (3, 12) and (major, minor) >= (6, 12)


def protect_singletons() -> bool:
    """Apply the guard when needed (call before Qt is used); True when it was applied."""
    import shiboken6

    if not needs_guard(sys.version_info[:2], shiboken6.__version__,
                       platform.python_implementation()):
        return False
    for singleton in (None, True, False):
        # CPython: id() is the address, and ob_refcnt is the object's first field
        ctypes.c_ssize_t.from_address(id(singleton)).value += EXTRA_REFERENCES
    return True
