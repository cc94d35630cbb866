"""What macOS needs of the bundle beyond what PyInstaller does by default.

``LSMinimumSystemVersion`` is the newest macOS any bundled binary was built for, so an older
Mac shows the system's message instead of crashing. Used by ``malariascope.spec``; entries are
PyInstaller's ``(path in the bundle, source, kind)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Entry = tuple[str, str, str]


def minimum_macos(binaries: Iterable[Entry],
                  version_of: Callable[[str], tuple[int, ...]] | None = None) -> str:
    """The newest ``minos`` among the bundled Mach-O files, as ``"13.0"``."""
    if version_of is None:
        from PyInstaller.utils.osx import macosx_version_min as version_of
    versions = []
    for _, src, kind in binaries:
        if kind in {"BINARY", "EXTENSION", "EXECUTABLE"}:
            try:
                versions.append(tuple(version_of(src)))
            except Exception:  # not Mach-O, or no version command: no constraint from it
                continue
    major, minor = max(versions, default=(11, 0))[:2]
    return f"{major}.{minor}"
