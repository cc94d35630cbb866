"""Trim what PyInstaller's Qt hooks collect but a desktop widgets app never loads.

The PySide6 hooks take every plugin of the Qt modules in use: embedded-Linux platforms (eglfs,
linuxfb, VNC), touch-screen input, and the GTK3 platform theme. Those drag in libraries of their
own (QtNetwork and Kerberos for VNC; cairo, pango and gdk-pixbuf for GTK3, which would also mix
the build machine's copies with the user's GTK). The qt_*.qm translations are only read through
a QTranslator, which the English-only app does not install. And a Python built from source
(pyenv, as on the Linux build machine) ships libpython with 17 MB of debug information.
Used by ``malariascope.spec``.
"""

from __future__ import annotations

import fnmatch
import functools
import shutil
import subprocess
import sys
from pathlib import Path, PurePath

from PyInstaller.depend.bindepend import get_imports

QT_PLUGINS = ("PySide6/Qt/plugins/", "PySide6/plugins/")  # Linux and macOS wheels, Windows
UNUSED_QT_PLUGINS = [
    "platforms/*qeglfs*", "platforms/*qlinuxfb*", "platforms/*qvnc*", "platforms/*qvkkhrdisplay*",
    "platforms/*qminimalegl*", "egldeviceintegrations/*", "generic/*", "platformthemes/*gtk3*",
    # cell images are read by OpenCV; Qt draws only arrays, PNG icons (built in) and SVG
    "imageformats/*qtiff*", "imageformats/*qwebp*", "imageformats/*qgif*", "imageformats/*qtga*",
    "imageformats/*qwbmp*", "imageformats/*qicns*",
]
UNUSED_DATAS = ["PySide6/Qt/translations/*", "PySide6/translations/*"]


def _name(dest: str) -> str:
    return PurePath(dest).name.lower()  # Windows links name DLLs in any case


def unused_qt_plugin(dest: str) -> bool:
    """True for a Qt plugin this app never loads (``dest`` is the path inside the bundle)."""
    dest = PurePath(dest).as_posix()
    for prefix in QT_PLUGINS:
        if dest.startswith(prefix):
            return any(fnmatch.fnmatch(dest[len(prefix):], p) for p in UNUSED_QT_PLUGINS)
    return False


@functools.cache
def _imports(src: str) -> frozenset[str]:
    """Base names of the libraries a binary file links to."""
    return frozenset(_name(name) for name, _ in get_imports(src))


def _reachable(roots: list[tuple], files: list[tuple]) -> set[str]:
    """Base names of ``files`` that ``roots`` link to, directly or not."""
    by_name: dict[str, list[tuple]] = {}
    for entry in files:
        by_name.setdefault(_name(entry[0]), []).append(entry)
    seen: set[str] = set()
    todo = [name for root in roots for name in _imports(root[1])]
    while todo:
        name = todo.pop()
        if name in by_name and name not in seen:
            seen.add(name)
            todo.extend(dep for entry in by_name[name] for dep in _imports(entry[1]))
    return seen


def drop_binaries(binaries: list[tuple], unwanted) -> list[tuple]:
    """``binaries`` without the ``unwanted`` ones and the libraries only those needed.

    A library goes only if a dropped binary linked to it and no kept one does, so libraries
    loaded with dlopen (ONNX Runtime's providers) are never touched. Symbolic links to a
    removed library go with it.
    """
    files = [entry for entry in binaries if entry[2] != "SYMLINK"]
    dropped = [entry for entry in files if unwanted(entry[0])]
    kept = [entry for entry in files if not unwanted(entry[0])]
    candidates = _reachable(dropped, kept)
    while True:
        needed = set().union(*(_imports(entry[1]) for entry in kept))
        orphans = [entry for entry in kept
                   if _name(entry[0]) in candidates and _name(entry[0]) not in needed]
        if not orphans:
            break
        kept = [entry for entry in kept if entry not in orphans]
    names = {_name(entry[0]) for entry in kept}
    keep = set(kept) | {entry for entry in binaries
                        if entry[2] == "SYMLINK" and _name(entry[1]) in names}
    return [entry for entry in binaries if entry in keep]


def drop_datas(datas: list[tuple]) -> list[tuple]:
    """``datas`` without the files matching ``UNUSED_DATAS``."""
    return [entry for entry in datas
            if not any(fnmatch.fnmatch(PurePath(entry[0]).as_posix(), p) for p in UNUSED_DATAS)]


def strip_debug_info(binaries: list[tuple], pattern: str, workdir: Path) -> list[tuple]:
    """On Linux, the binaries matching ``pattern`` (by base name) without debug information.

    Only for libraries built from source, such as libpython: ``strip`` breaks the libraries
    that auditwheel patched into manylinux wheels (numpy's OpenBLAS failed to load), which is
    why PyInstaller's own ``strip=True`` is not used.
    """
    if not sys.platform.startswith("linux") or not shutil.which("strip"):
        return binaries
    out = []
    for dest, src, kind in binaries:
        if kind != "SYMLINK" and fnmatch.fnmatch(_name(dest), pattern):
            target = workdir / "stripped" / PurePath(dest).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            subprocess.run(["strip", "--strip-debug", str(target)], check=True)
            src = str(target)
        out.append((dest, src, kind))
    return out
