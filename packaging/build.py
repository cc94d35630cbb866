"""Build the MalariaScope app bundle for this OS into ``dist/``, smoke-test it, print figures.

On Linux it also writes the download, ``dist/MalariaScope-<version>-linux-<machine>.tar.gz``.

    python packaging/build.py                # fresh build/venv (no TensorFlow), build, test
    python packaging/build.py --reuse-venv   # keep build/venv when it is already there
    python packaging/build.py --no-build     # test and measure the bundle already in dist/
    python packaging/build.py --print-version

Standard library only, so any Python 3.10+ can run it. The build runs in its own venv holding
``.[package]`` (the app's dependencies and PyInstaller, not the train extra): PyInstaller
follows whatever is installed, and an installed TensorFlow would make the bundle 1.4 GB.
The smoke test (``smoke.py``) runs the frozen executables: the CLI classifies generated cells
to a CSV that is checked row by row, and the windowed app runs ``gui --smoke-test`` offscreen.
Any failed check exits 1; figures over their goal are reported (and fail only with ``--strict``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from smoke import (
    HERE,
    ROOT,
    Checks,
    check_classify,
    check_contents,
    check_gui,
    classify_time,
    make_cells,
    run,
    step,
    version,
    window_shown,
)

DIST, WORK = ROOT / "dist", ROOT / "build"
EXE = ".exe" if sys.platform == "win32" else ""
CONSTRAINTS = HERE / "constraints.txt"  # the versions the bundle was tested with, on every OS
GOALS = {"size_mb": 300.0, "archive_mb": 130.0, "window_s": 1.5,  # the Linux build's goals
         "classify_s": 10.0}
GTK = {"libgtk-3.so.0", "libgdk-3.so.0"}
FORBIDDEN = {"tensorflow", "keras", "tf_keras", "tf2onnx", "onnx", "sklearn", "scipy", "torch"}


# ----------------------------------------------------------------------------- build
def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def prepare_venv(venv: Path, reuse: bool) -> Path:
    """A venv with ``.[package]`` installed (editable); made afresh unless ``reuse``."""
    python = venv_python(venv)
    if reuse and python.exists():
        step(f"reusing {venv}")
        return python
    step(f"creating {venv} with .[package] (no TensorFlow)")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    extra = ["pillow"] if sys.platform == "darwin" else []  # PyInstaller turns the PNG into .icns
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-c", str(CONSTRAINTS), "-e", f"{ROOT}[package]", *extra], check=True)
    return python


def check_no_tensorflow(python: Path) -> None:
    """Refuse to build from an environment where PyInstaller could find TensorFlow."""
    code = ("import importlib.util as u; print(' '.join(m for m in "
            "('tensorflow', 'keras', 'tf_keras') if u.find_spec(m)))")
    found = run([python, "-c", code]).stdout.strip()
    if found:
        raise SystemExit(f"build.py: {found} installed in the build venv; use a clean venv")


def pyinstaller(python: Path) -> float:
    """Run the spec; returns the seconds it took. The log goes to build/pyinstaller.log."""
    step("PyInstaller (one folder, a few minutes)")
    log = WORK / "pyinstaller.log"
    started = time.perf_counter()
    result = run([python, "-m", "PyInstaller", HERE / "malariascope.spec", "--noconfirm",
                  "--log-level", "WARN", "--distpath", DIST, "--workpath", WORK / "pyinstaller"],
                 timeout=3600, cwd=ROOT)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode:
        print("\n".join((result.stdout + result.stderr).splitlines()[-40:]), file=sys.stderr)
        raise SystemExit(f"build.py: PyInstaller failed (exit {result.returncode}); see {log}")
    missing = sorted(set(re.findall(r"could not resolve '([^']+)'", result.stdout + result.stderr))
                     - GTK)  # GTK is wanted only by the Qt theme plugin the spec drops
    if missing:  # e.g. libxcb-icccm4 on a Linux build machine: see packaging/README.md
        print(f"  warning: not on this machine, so not bundled: {', '.join(missing)}")
    return time.perf_counter() - started


# ----------------------------------------------------------------------------- bundle
class Bundle:
    """Where the built executables are: the .app's on macOS, the dist folder's elsewhere."""

    def __init__(self) -> None:
        app = DIST / "MalariaScope.app"
        self.root = app if sys.platform == "darwin" else DIST / "MalariaScope"
        bin_dir = app / "Contents" / "MacOS" if sys.platform == "darwin" else self.root
        self.app = bin_dir / f"MalariaScope{EXE}"
        self.cli = bin_dir / f"malariascope-cli{EXE}"

    def sizes(self) -> tuple[float, float]:
        """MB (10^6 bytes) of all files, links not followed, and the disk blocks they take in
        MiB, which ``du -sh`` prints as M (the unit of the size goal)."""
        stats = [path.lstat() for path in self.root.rglob("*") if not path.is_dir()]
        apparent = sum(stat.st_size for stat in stats)
        blocks = sum(getattr(stat, "st_blocks", stat.st_size / 512) for stat in stats)
        return apparent / 1e6, blocks * 512 / 2**20

    def forbidden_parts(self) -> list[str]:
        """Training-only packages and .keras files that must not be in the bundle."""
        return sorted({str(p.relative_to(self.root)) for p in self.root.rglob("*")
                       if (p.is_dir() and p.name in FORBIDDEN) or p.suffix == ".keras"})


def write_archive(bundle: Bundle) -> Path:
    """``dist/MalariaScope-<version>-linux-<machine>.tar.gz``, the Linux download (gzip level
    6, as ``tar -czf``)."""
    target = DIST / f"MalariaScope-{version()}-linux-{platform.machine()}.tar.gz"
    step(f"archive {target.name}")
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(bundle.root, arcname=bundle.root.name)
    return target


# ----------------------------------------------------------------------------- report
def _goal_line(label: str, value: float | None, unit: str, goal: float) -> bool:
    """Print one figure against its goal; True when the goal is missed."""
    missed = value is None or value > goal
    shown = "n/a" if value is None else f"{value:.2f} {unit}"
    print(f"  {label:<28} {shown:>11}   goal <= {goal:g} {unit}   {'MISSED' if missed else 'ok'}")
    return missed


def report(figures: dict, cells: int, strict: bool) -> int:
    """Print the figures against the Linux goals; the number missed when ``strict``."""
    print(f"\nFigures ({sys.platform}; the goals are for the Linux build):")
    missed = _goal_line("bundle on disk (du -sh)", figures["disk_mib"], "MiB", GOALS["size_mb"])
    print(f"  {'  files, in 10^6 bytes':<28} {figures['size_mb']:>9.2f} MB")
    if "archive_mb" in figures:
        missed += _goal_line("download (.tar.gz)", figures["archive_mb"], "MB", GOALS["archive_mb"])
    missed += _goal_line("window shown (median of 3)", figures["window_s"], "s", GOALS["window_s"])
    missed += _goal_line(f"classify {cells:,} cells", figures["classify_s"], "s",
                         GOALS["classify_s"])
    if "classify_cpu_s" in figures:
        print(f"  {'  CPU time of that run':<28} {figures['classify_cpu_s']:>9.2f} s")
    for label, key in (("venv ready", "venv_s"), ("PyInstaller build", "build_s")):
        if key in figures:
            print(f"  {label:<28} {figures[key]:>9.0f} s")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"  {'load average (1 min)':<28} {load:>9.2f}   on {os.cpu_count()} cores")
    return missed if strict else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=WORK / "venv",
                        help="the build venv (default build/venv)")
    parser.add_argument("--reuse-venv", action="store_true", help="keep the venv if it exists")
    parser.add_argument("--no-build", action="store_true", help="only test the bundle in dist/")
    parser.add_argument("--strict", action="store_true", help="also fail when a goal is missed")
    parser.add_argument("--print-version", action="store_true",
                        help="print malariascope.__version__ and exit (for CI and make_dmg.sh)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_version:
        print(version())
        return 0
    figures: dict[str, float] = {}
    started = time.perf_counter()
    python = prepare_venv(args.venv, args.reuse_venv or args.no_build)
    figures["venv_s"] = time.perf_counter() - started
    if not args.no_build:
        check_no_tensorflow(python)
        figures["build_s"] = pyinstaller(python)
    bundle, checks = Bundle(), Checks()
    if not bundle.cli.exists():
        raise SystemExit(f"build.py: no bundle at {bundle.root}")
    with tempfile.TemporaryDirectory(prefix="malariascope-bundle-") as tmp:
        scratch = Path(tmp)
        cells = make_cells(python, scratch / "cells", 6)
        check_contents(bundle, checks)
        check_classify(bundle, cells, scratch, checks)
        check_gui(bundle, cells, checks)
        figures["size_mb"], figures["disk_mib"] = bundle.sizes()
        if sys.platform.startswith("linux"):
            figures["archive_mb"] = write_archive(bundle).stat().st_size / 1e6
        figures["window_s"] = window_shown(bundle)
        figures["classify_s"], cpu, count = classify_time(bundle, python, scratch, checks)
        if cpu:
            figures["classify_cpu_s"] = cpu
    missed = report(figures, count, args.strict)
    print(f"\n{checks.failed} smoke-test checks failed"
          + (f", {missed} goals missed (--strict)" if missed else ""))
    return 1 if checks.failed or missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
