"""Trim what PyInstaller's Qt hooks collect but a desktop widgets app never loads.

The PySide6 hooks take every plugin of the Qt modules in use: embedded-Linux platforms (eglfs,
linuxfb, VNC), touch-screen input, and the GTK3 platform theme. Those drag in libraries of their
own (QtNetwork and Kerberos for VNC; cairo, pango and gdk-pixbuf for GTK3, which would also mix
the build machine's copies with the user's GTK). The qt_*.qm translations are only read through
a QTranslator, which the English-only app does not install. And a Python built from source
(pyenv, as on the Linux build machine) ships libpython with 17 MB of debug information.
Used by ``malariascope.spec``; an entry is PyInstaller's ``(path in the bundle, source, kind)``.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePath

Entry = tuple[str, str, str]

QT_PLUGINS = ("PySide6/Qt/plugins/", "PySide6/plugins/")  # Linux and macOS wheels, Windows
UNUSED_QT_PLUGINS = [
    "platforms/*qeglfs*", "platforms/*qlinuxfb*", "platforms/*qvnc*", "platforms/*qvkkhrdisplay*",
    "platforms/*qminimalegl*", "egldeviceintegrations/*", "generic/*", "platformthemes/*gtk3*",
    # cell images are read by OpenCV; Qt draws only arrays, PNG icons (built in) and SVG
    "imageformats/*qtiff*", "imageformats/*qwebp*", "imageformats/*qgif*", "imageformats/*qtga*",
    "imageformats/*qwbmp*", "imageformats/*qicns*",
]
UNUSED_DATAS = ["PySide6/Qt/translations/*", "PySide6/translations/*"]
#: OpenCV's FFmpeg plugin on Windows, which it loads only to read a video file.
UNUSED_LIBRARIES = ["cv2/opencv_videoio_ffmpeg*"]
#: Linux: the CUPS client library that Qt's print plugin loads, used from the user's system
#: (with its own configuration, GnuTLS and Kerberos) rather than the build machine's; where a
#: system has none it has no printers either, and the print dialog still prints to a PDF file.
SYSTEM_LIBRARIES = ["libcups.so*"]


def _name(dest: str) -> str:
    return PurePath(dest).name.lower()  # Windows links name DLLs in any case


def unused_qt_plugin(dest: str) -> bool:
    """True for a Qt plugin this app never loads (``dest`` is the path inside the bundle)."""
    dest = PurePath(dest).as_posix()
    for prefix in QT_PLUGINS:
        if dest.startswith(prefix):
            return any(fnmatch.fnmatch(dest[len(prefix):], p) for p in UNUSED_QT_PLUGINS)
    return False


def unused_binary(dest: str) -> bool:
    """True for a binary the bundle leaves out: an unused Qt plugin, ``UNUSED_LIBRARIES``, or
    ``SYSTEM_LIBRARIES`` (loaded from the user's system)."""
    return unused_qt_plugin(dest) or any(fnmatch.fnmatch(PurePath(dest).as_posix(), p)
                                         for p in (*UNUSED_LIBRARIES, *SYSTEM_LIBRARIES))


@functools.cache
def linked_libraries(src: str) -> frozenset[str]:
    """Base names of the libraries a binary file links to itself (not through another)."""
    if sys.platform.startswith("linux") and shutil.which("readelf"):  # ldd lists them all
        dynamic = subprocess.run(["readelf", "-dW", src], capture_output=True, text=True).stdout
        return frozenset(map(str.lower, re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                                                   dynamic)))
    from PyInstaller.depend.bindepend import get_imports  # only ever run inside a build

    return frozenset(_name(name) for name, _ in get_imports(src))


Imports = Callable[[str], Iterable[str]]


def _reachable(roots: Iterable[Entry], files: list[Entry], imports: Imports) -> set[str]:
    """Base names of ``files`` that ``roots`` link to, directly or not."""
    by_name: dict[str, list[Entry]] = {}
    for entry in files:
        by_name.setdefault(_name(entry[0]), []).append(entry)
    seen: set[str] = set()
    todo = [name for root in roots for name in imports(root[1])]
    while todo:
        name = todo.pop()
        if name in by_name and name not in seen:
            seen.add(name)
            todo.extend(dep for entry in by_name[name] for dep in imports(entry[1]))
    return seen


def drop_binaries(binaries: list[Entry], unwanted: Callable[[str], bool],
                  imports: Imports = linked_libraries,
                  replaced: Sequence[Entry] = ()) -> list[Entry]:
    """``binaries`` without the ``unwanted`` ones and the libraries only those needed.

    A library goes only if a dropped binary (or a ``replaced`` original, see ``stubs.py``)
    linked to it and no kept one does, so libraries loaded with dlopen (ONNX Runtime's
    providers) are never touched. Symbolic links are left to :func:`drop_dangling_links`.
    """
    files = [entry for entry in binaries if entry[2] != "SYMLINK"]
    dropped = [entry for entry in files if unwanted(entry[0])]
    kept = [entry for entry in files if not unwanted(entry[0])]
    candidates = _reachable([*dropped, *replaced], kept, imports)
    while True:
        needed = set().union(*(imports(entry[1]) for entry in kept))
        orphans = [entry for entry in kept
                   if _name(entry[0]) in candidates and _name(entry[0]) not in needed]
        if not orphans:
            break
        kept = [entry for entry in kept if entry not in orphans]
    keep = set(kept)
    return [entry for entry in binaries if entry in keep or entry[2] == "SYMLINK"]


def drop_datas(datas: list[Entry]) -> list[Entry]:
    """``datas`` without the files matching ``UNUSED_DATAS``."""
    return [entry for entry in datas
            if not any(fnmatch.fnmatch(PurePath(entry[0]).as_posix(), p) for p in UNUSED_DATAS)]


def framework_root(dest: str) -> str | None:
    """``.../Name.framework`` when ``dest`` lies inside a macOS framework bundle, else None."""
    parts = PurePath(dest).as_posix().split("/")
    for i, part in enumerate(parts[:-1]):
        if part.endswith(".framework"):
            return "/".join(parts[:i + 1])
    return None


def drop_emptied_frameworks(before: list[Entry], binaries: list[Entry],
                            datas: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Every file of a framework bundle whose library is no longer among ``binaries``.

    Its Info.plist and links stay behind otherwise: codesign then refuses the whole .app.
    """
    def roots(entries: list[Entry]) -> set[str]:
        return {framework_root(e[0]) for e in entries if e[2] != "SYMLINK"} - {None}

    emptied = roots(before) - roots(binaries)

    def inside(entry: Entry) -> bool:
        return framework_root(entry[0]) in emptied or PurePath(entry[0]).as_posix() in emptied

    return ([e for e in binaries if not inside(e)], [e for e in datas if not inside(e)])


def _resolve(path: str, links: dict[str, str], hops: int = 0) -> str | None:
    """``path`` with every symbolic link on it followed (None for a loop)."""
    parts = path.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        if prefix in links:
            if hops > 40:
                return None
            target = posixpath.normpath(posixpath.join(posixpath.dirname(prefix), links[prefix]))
            return _resolve("/".join([target, *parts[i:]]), links, hops + 1)
    return path


def drop_dangling_links(entries: list[Entry]) -> list[Entry]:
    """``entries`` without the symbolic links that would point at nothing in the bundle."""
    while True:
        files = {PurePath(d).as_posix() for d, _, kind in entries if kind != "SYMLINK"}
        present = files | {parent.as_posix() for f in files for parent in PurePath(f).parents}
        links = {PurePath(d).as_posix(): target for d, target, kind in entries if kind == "SYMLINK"}
        dangling = {link for link in links if _resolve(link, links) not in present}
        if not dangling:
            return entries
        entries = [e for e in entries if PurePath(e[0]).as_posix() not in dangling]


def trim(binaries: list[Entry], datas: list[Entry], unwanted: Callable[[str], bool],
         imports: Imports = linked_libraries,
         replaced: Sequence[Entry] = ()) -> tuple[list[Entry], list[Entry]]:
    """``(binaries, datas)`` without the ``unwanted`` binaries and all that goes with them.

    That is: the libraries only they linked to, the ``UNUSED_DATAS``, every file of a macOS
    framework whose library went, and each symbolic link left pointing at nothing.
    """
    kept = drop_binaries(binaries, unwanted, imports, replaced)
    kept, datas = drop_emptied_frameworks(binaries, kept, drop_datas(datas))
    whole = set(drop_dangling_links(kept + datas))
    return [e for e in kept if e in whole], [e for e in datas if e in whole]


def strip_debug_info(binaries: list[Entry], pattern: str, workdir: Path) -> list[Entry]:
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
