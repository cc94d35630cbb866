"""What Windows and macOS need of the bundle beyond what PyInstaller does by default.

Windows: the CLI loads ONNX Runtime without Qt, so the Visual C++ runtime it links must sit at
the top of ``_internal`` (the DLL search path), not only beside Qt in ``PySide6``; otherwise a
PC without a recent runtime in System32 cannot start it. macOS: ``LSMinimumSystemVersion`` is
the newest macOS any bundled binary was built for, so an older Mac shows the system's message
instead of crashing. Used by ``malariascope.spec``; entries are PyInstaller's
``(path in the bundle, source, kind)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

Entry = tuple[str, str, str]
VC_RUNTIME = re.compile(r"(msvcp140(_\w+)?|vcruntime140(_1)?|concrt140)\.dll", re.IGNORECASE)


def _path(dest: str) -> PurePosixPath:
    return PurePosixPath(dest.replace("\\", "/"))


def dll_version(path: str) -> tuple[int, ...]:
    """A Windows DLL's file version, e.g. ``(14, 42, 34433, 0)``."""
    import pefile  # PyInstaller's own dependency on Windows

    pe = pefile.PE(path, fast_load=True)
    pe.parse_data_directories([pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]])
    info = pe.VS_FIXEDFILEINFO[0]
    return (info.FileVersionMS >> 16, info.FileVersionMS & 0xFFFF,
            info.FileVersionLS >> 16, info.FileVersionLS & 0xFFFF)


def vc_runtime_on_top(binaries: list[Entry],
                      version_of: Callable[[str], tuple[int, ...]] = dll_version) -> list[Entry]:
    """``binaries`` with the newest complete Visual C++ runtime at the top of ``_internal``.

    The runtime DLLs are taken together from the one folder whose ``msvcp140.dll`` is newest
    (mixing two versions' DLLs can fail to load); copies elsewhere stay where they are.
    """
    sets: dict[PurePosixPath, dict[str, Entry]] = {}
    for entry in binaries:
        dest = _path(entry[0])
        if VC_RUNTIME.fullmatch(dest.name):
            sets.setdefault(dest.parent, {})[dest.name.lower()] = entry
    with_msvcp = [folder for folder, dlls in sets.items() if "msvcp140.dll" in dlls]
    if not with_msvcp:
        return binaries
    newest = max(with_msvcp, key=lambda folder: version_of(sets[folder]["msvcp140.dll"][1]))
    top = PurePosixPath(".")
    if newest == top:
        return binaries
    kept = [e for e in binaries if not (VC_RUNTIME.fullmatch(_path(e[0]).name)
                                         and _path(e[0]).parent == top)]
    return kept + [(name, src, "BINARY") for name, (_, src, _) in sorted(sets[newest].items())]


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
