"""Stand-ins for the libraries of OpenCV's Linux wheel that the app loads but never calls.

cv2 links FFmpeg (video files) and OpenBLAS (LAPACK and BLAS, behind cv2.solve, SVD, gemm and
the like) at load time: 87 MB with what only they link to (libvpx, dav1d, libgfortran...). The
app decodes still images and calls no OpenCV function that reaches them. Each is replaced by a
stub of the same name, SONAME and symbol versions, offering the functions cv2 takes from it,
each of which prints its name and aborts: the app loads as before, and a call thought
impossible stops loudly instead of computing nonsense. Needs a C compiler and ``readelf`` at
build time; without them the real libraries stay. Used by ``malariascope.spec``.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

Entry = tuple[str, str, str]

#: Shared libraries of the opencv-python-headless wheel (``opencv_python_headless.libs/``) the
#: app never calls into. Keep libpng, libavif and libaom: cv2.imdecode reads PNG and AVIF.
UNCALLED_LIBRARIES = [
    "libavcodec-*", "libavformat-*", "libavutil-*", "libswscale-*",  # FFmpeg: VideoCapture
    "libopenblas*",  # LAPACK/BLAS behind cv2.solve, cv2.gemm, SVD, PCA and dnn on big matrices
]
#: The OpenCV functions the app calls, all run in the bundle's tests (tests/test_bundle.py:
#: every image format, a whole field, Grad-CAM) and in its smoke test with the stubs in place.
#: Run a new one there before adding it: cv2.fitEllipse, for one, calls LAPACK's SVD.
CHECKED_CV2_CALLS = frozenset({
    "addWeighted", "applyColorMap", "blur", "connectedComponents", "contourArea", "convexHull",
    "copyMakeBorder", "countNonZero", "cvtColor", "dilate", "distanceTransform", "ellipse",
    "fillPoly", "findContours", "floodFill", "GaussianBlur", "getStructuringElement", "imdecode",
    "imencode", "max", "meanStdDev", "min", "morphologyEx", "resize", "split", "subtract",
    "threshold",
})
_SYMBOL = re.compile(  # a line of ``readelf --dyn-syms -W``: "  5: 00..40  123 FUNC GLOBAL ..."
    r"\s*\d+:\s+\S+\s+(?P<size>\d+|0x[0-9a-f]+)\s+(?P<type>FUNC|IFUNC|OBJECT|NOTYPE)"
    r"\s+(?:GLOBAL|WEAK)\s+\S+\s+(?P<ndx>\S+)\s+(?P<name>[^@\s]+)(?P<at>@@?)?(?P<version>\S+)?")


@dataclass
class Exports:
    """What a shared library offers its callers: name, functions and objects by version."""

    soname: str
    functions: dict[str, list[str]] = field(default_factory=dict)  # version ("" for none) -> names
    objects: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _dynamic_symbols(binary: Path) -> list[re.Match]:
    out = subprocess.run(["readelf", "--dyn-syms", "-W", str(binary)], capture_output=True,
                         text=True, check=True).stdout
    return [m for m in map(_SYMBOL.match, out.splitlines()) if m]


def read_imports(binary: Path) -> set[str]:
    """Names of the symbols ``binary`` takes from other libraries."""
    return {m["name"] for m in _dynamic_symbols(binary) if m["ndx"] == "UND"}


def read_exports(library: Path, wanted: set[str] | None = None) -> Exports:
    """The SONAME and the default-version symbols ``library`` defines (those in ``wanted``)."""
    dynamic = subprocess.run(["readelf", "-dW", str(library)], capture_output=True, text=True,
                             check=True).stdout
    match = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", dynamic)
    exports = Exports(match.group(1) if match else library.name)
    for m in _dynamic_symbols(library):
        if m["ndx"] in {"UND", "ABS"} or m["at"] == "@":  # imported, a version's own marker,
            continue                                     # or an older version of a symbol
        if wanted is not None and m["name"] not in wanted:
            continue
        version = m["version"] or ""
        if m["type"] == "OBJECT":
            exports.objects.setdefault(version, []).append((m["name"], int(m["size"], 0)))
        else:
            exports.functions.setdefault(version, []).append(m["name"])
    return exports


def stub_source(exports: Exports) -> tuple[str, str]:
    """C source and linker version script of a stub offering ``exports``."""
    lines = ["#include <stdio.h>", "#include <stdlib.h>",
             "static void missing(const char *name) {",
             f'    fprintf(stderr, "MalariaScope: %s() of {exports.soname} was called, but this '
             'build leaves that library out (packaging/stubs.py)\\n", name);',
             "    abort();", "}"]
    for names in exports.functions.values():
        lines += [f'void {name}(void) {{ missing("{name}"); }}' for name in names]
    for objects in exports.objects.values():
        lines += [f"char {name}[{max(size, 1)}];" for name, size in objects]
    nodes = []  # symbols named in no node keep the base version, as in the library
    for version in sorted((set(exports.functions) | set(exports.objects)) - {""}):
        objects = [name for name, _ in exports.objects.get(version, [])]
        names = exports.functions.get(version, []) + objects
        nodes.append(f"{version} {{ global: {' '.join(n + ';' for n in names)} }};")
    script = "\n".join(nodes) + "\n"
    return "\n".join(lines) + "\n", script


def write_stub(library: Path, out: Path, callers: list[Path], cc: str = "cc") -> Path:
    """Compile to ``out`` a stub of ``library`` offering what its ``callers`` take from it."""
    exports = read_exports(library, set().union(*map(read_imports, callers)))
    source, script = stub_source(exports)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        c_file, map_file = Path(tmp) / "stub.c", Path(tmp) / "stub.map"
        c_file.write_text(source, encoding="utf-8")
        map_file.write_text(script, encoding="utf-8")
        versions = [f"-Wl,--version-script={map_file}"] if script.strip() else []
        result = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-w", "-fno-builtin",
                                 f"-Wl,-soname,{exports.soname}", *versions, "-o", str(out),
                                 str(c_file)], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"cannot build a stub of {library.name}: {result.stderr.strip()}")
    return out


def can_build_stubs() -> bool:
    """True when this machine has what :func:`write_stub` runs (a C compiler, ``readelf``)."""
    return bool(shutil.which("cc") and shutil.which("readelf"))


def stub_out(binaries: list[Entry], patterns: list[str], workdir: Path,
             imports: Callable[[str], Iterable[str]]) -> tuple[list[Entry], list[Entry]]:
    """``binaries`` with stubs for the libraries matching ``patterns`` (by base name), and
    the original entries replaced, whose own dependencies may then go (``trim.trim``).

    ``imports(source)`` names the libraries a binary links to (``trim.linked_libraries``).
    """
    matched = [entry for entry in binaries if entry[2] != "SYMLINK"
               and any(fnmatch.fnmatch(PurePath(entry[0]).name, p) for p in patterns)]
    stubbed = {PurePath(dest).name.lower() for dest, _, _ in matched}
    out = []
    for dest, src, kind in binaries:
        if (dest, src, kind) in matched:
            name = PurePath(dest).name
            callers = [Path(s) for d, s, k in binaries if k != "SYMLINK" and
                       PurePath(d).name.lower() not in stubbed and name.lower() in imports(s)]
            src = str(write_stub(Path(src), workdir / "stubs" / name, callers))
        out.append((dest, src, kind))
    return out, matched
