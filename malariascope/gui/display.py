"""Whether the window can open here, found out before Qt would fail trying.

On a minimal Linux, importing Qt's GUI modules fails with a traceback when a system library
they link to is missing (libGL, glib), and Qt ends the whole process (a core dump under a page
of plugin names) when its X11 plugin cannot start: with no display, a display that does not
answer, or a library of the plugin missing (``libxcb-cursor0`` and friends). ``problem()``
finds each of these first, so the app can say in one line what to do. The command line needs
none of it.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from malariascope.core.errors import MalariaScopeError

#: What a Linux desktop needs for the window, beyond Python (README.md's first lines).
APT_PACKAGES = ("libglib2.0-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 "
                "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0")
#: The command line as this install names it (in the app bundle, its console twin).
_CLI = "malariascope-cli" if getattr(sys, "frozen", False) else "malariascope"
_CLI_HINT = f"{_CLI} classify --help"


class NoDisplayError(MalariaScopeError):
    """The window cannot open here; the message says why and what to do."""


def problem() -> str | None:
    """Why the window cannot open on this machine, or None when it can (or Qt will tell).

    Call it before anything imports PySide6's GUI modules: their own libraries may be missing.
    """
    if not sys.platform.startswith("linux"):
        return None
    display = os.environ.get("DISPLAY", "")
    if _uses_xcb() and not display:
        return ("no display to open the window on (DISPLAY is not set); the command line "
                f"needs none: {_CLI_HINT}")
    try:
        import PySide6.QtWidgets  # noqa: F401  (Qt's libraries link the system's GL, glib...)
    except ModuleNotFoundError:
        raise
    except ImportError as exc:
        return _missing(exc)
    if not _uses_xcb():
        return None
    plugin = _xcb_plugin()
    try:
        if plugin.is_file():  # else a Qt laid out otherwise: Qt itself will say
            ctypes.CDLL(str(plugin))
    except OSError as exc:
        return _missing(exc)
    if not _answers(display):
        return (f"the display {display!r} (DISPLAY) does not answer; the command line needs "
                f"none: {_CLI_HINT}")
    return None


def _missing(exc: BaseException) -> str:
    """The line for a library the loader did not find (``exc`` says which, first)."""
    cause = exc.__cause__ or exc  # the loader's own words, under a bundle's wrapper
    library = str(cause).split(":")[0]
    return (f"the window cannot open: {library} is missing; on Debian or Ubuntu: sudo apt-get "
            f"install {APT_PACKAGES} (the command line needs none of them: {_CLI_HINT})")


def check() -> None:
    """Raise :class:`NoDisplayError` when the window cannot open here."""
    reason = problem()
    if reason:
        raise NoDisplayError(reason)


def _uses_xcb() -> bool:
    """True when Qt will start its X11 (xcb) plugin: asked for, or the default outside Wayland."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not os.environ.get("WAYLAND_DISPLAY")


def _xcb_plugin() -> Path:
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return plugins / "platforms" / "libqxcb.so"


def _answers(display: str) -> bool:
    """True when the X server of ``display`` accepts a connection (libxcb came with Qt's
    plugin, so it is loaded by now)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)
