"""Build the MalariaScope app bundle for this OS into ``dist/``, smoke-test it, print figures.

On Linux it also writes the download, ``dist/MalariaScope-<version>-linux-<machine>.tar.gz``.

    python packaging/build.py                # fresh build/venv (no TensorFlow), build, test
    python packaging/build.py --reuse-venv   # keep build/venv when it is already there
    python packaging/build.py --no-build     # test and measure the bundle already in dist/
    python packaging/build.py --print-version

Standard library only, so any Python 3.10+ can run it. The build runs in its own venv holding
``.[package]`` (the app's dependencies and PyInstaller, not the train extra): PyInstaller
follows whatever is installed, and an installed TensorFlow would make the bundle 1.4 GB.
The smoke test runs the frozen executables: the CLI classifies generated cells to a CSV that
is checked row by row, and the windowed app runs ``gui --smoke-test`` offscreen. Any failed
check exits 1; figures over their goal are reported (and fail only with ``--strict``).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DIST, WORK = ROOT / "dist", ROOT / "build"
REAL_CELLS = ROOT.parent / "shared" / "data" / "cell_images" / "test"
EXE = ".exe" if sys.platform == "win32" else ""
CONSTRAINTS = HERE / "constraints.txt"  # the versions the bundle was tested with, on every OS
GOALS = {"size_mb": 300.0, "archive_mb": 130.0, "window_s": 1.5,  # the Linux build's goals
         "classify_s": 10.0}
GTK = {"libgtk-3.so.0", "libgdk-3.so.0"}
FORBIDDEN = {"tensorflow", "keras", "tf_keras", "tf2onnx", "onnx", "sklearn", "scipy", "torch"}


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd`` capturing text output; Qt runs offscreen so no display is needed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout,
                          env=env, errors="replace", **kwargs)


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


class Checks:
    """Collects pass/fail lines; ``failed`` decides the exit code."""

    def __init__(self) -> None:
        self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        self.failed += not ok
        print(f"  [{'ok' if ok else 'FAIL'}] {what}" + (f": {detail}" if detail and not ok else ""),
              flush=True)
        return ok


def make_cells(python: Path, folder: Path, count: int) -> Path:
    result = run([python, HERE / "cells.py", folder, count])
    if result.returncode:
        raise SystemExit(f"build.py: cannot generate cells: {result.stderr}")
    return folder


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def model_sha256() -> str:
    """The ONNX file's hash from the source tree's card: the bundle must ship that model."""
    import json

    card = json.loads((ROOT / "models" / "model-card.json").read_text(encoding="utf-8"))
    return card["files"]["onnx"]["sha256"]


def version(root: Path = ROOT) -> str:
    """``malariascope.__version__``, read without importing the package (its dependencies may
    not be installed) and whatever the line endings of the checkout (CRLF on Windows)."""
    text = (root / "malariascope" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"\s*$', text, re.MULTILINE).group(1)


def write_archive(bundle: Bundle) -> Path:
    """``dist/MalariaScope-<version>-linux-<machine>.tar.gz``, the Linux download (gzip level
    6, as ``tar -czf``)."""
    target = DIST / f"MalariaScope-{version()}-linux-{platform.machine()}.tar.gz"
    step(f"archive {target.name}")
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(bundle.root, arcname=bundle.root.name)
    return target


def check_contents(bundle: Bundle, checks: Checks) -> None:
    step(f"bundle contents ({bundle.root})")
    checks.check(bundle.app.is_file() and bundle.cli.is_file(), "both executables",
                 f"{bundle.app.name} or {bundle.cli.name} missing")
    cards = list(bundle.root.rglob("model-card.json"))
    checks.check(bool(cards), "model card bundled")
    checks.check(any(bundle.root.rglob("*.onnx")), "ONNX model bundled")
    bad = bundle.forbidden_parts()
    checks.check(not bad, "no TensorFlow, Keras, scikit-learn, SciPy or .keras file",
                 ", ".join(bad))
    out = run([bundle.cli, "--version"]).stdout.strip()
    checks.check(out == f"malariascope {version()}", "CLI --version", repr(out))


def check_classify(bundle: Bundle, cells: Path, out: Path, checks: Checks) -> None:
    step("bundled CLI: classify generated cells to CSV (and Grad-CAM overlays)")
    count = len(list(cells.glob("*.png")))
    result = run([bundle.cli, "classify", cells, "--csv", out / "cells.csv",
                  "--gradcam", out / "gradcam", "--overwrite"], timeout=300)
    if not checks.check(result.returncode == 0, "classify exits 0", result.stderr[-2000:]):
        return
    rows = read_rows(out / "cells.csv")
    checks.check(len(rows) == count, f"{count} rows", f"{len(rows)} rows")
    checks.check(all(r["status"] == "ok" for r in rows), "every row ok")
    checks.check(all(r["call"] in {"parasitized", "uninfected"} for r in rows), "calls made")
    checks.check(all(0.0 <= float(r["p_parasitized"]) <= 1.0 for r in rows),
                 "probabilities in [0, 1]")
    checks.check(all(r["model"].endswith("(onnx)") and r["model_sha256"] == model_sha256()
                     for r in rows), "ONNX model of the card used")
    overlays = len(list((out / "gradcam").glob("*.png")))
    checks.check(overlays == count, "one Grad-CAM overlay per cell", f"{overlays} overlays")
    result = run([bundle.cli, "classify", cells, "--csv", out / "tf.csv",
                  "--backend", "tensorflow"])
    checks.check(result.returncode == 2 and "malariascope[train]" in result.stderr,
                 "--backend tensorflow refused cleanly (no TensorFlow inside)",
                 result.stderr[-500:])


SHOWN = re.compile(r"window shown in ([0-9.]+) s")


def check_gui(bundle: Bundle, cells: Path, checks: Checks) -> None:
    step("bundled app: gui --smoke-test (offscreen) screening the generated cells")
    result = run([bundle.app, "gui", "--smoke-test", cells], timeout=300)
    checks.check(result.returncode == 0, "app smoke test exits 0",
                 (result.stdout + result.stderr)[-2000:])
    for line in result.stdout.splitlines():
        print(f"      {line}")


def _shown(exe: Path) -> float | None:
    match = SHOWN.search(run([exe, "gui", "--smoke-test"], timeout=300).stdout)
    return float(match.group(1)) if match else None


def window_shown(bundle: Bundle, runs: int = 3) -> float | None:
    """Median 'window shown in X s' of a few launches; from the console twin when the windowed
    executable has no stdout (Windows)."""
    times = []
    for _ in range(runs):
        seconds = _shown(bundle.app)
        seconds = _shown(bundle.cli) if seconds is None else seconds
        if seconds is not None:
            times.append(seconds)
    return statistics.median(times) if times else None


def children_cpu() -> float:
    """CPU seconds used by finished child processes (0 where unknown, as on Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def classify_time(bundle: Bundle, python: Path, scratch: Path,
                  checks: Checks) -> tuple[float | None, float, int]:
    """Seconds for the bundled CLI to classify the 2,600 real test cells (or generated ones)."""
    cells = REAL_CELLS if REAL_CELLS.is_dir() else make_cells(python, scratch / "many", 2600)
    step(f"bundled CLI: classify {cells}")
    cpu, started = children_cpu(), time.perf_counter()
    result = run([bundle.cli, "classify", cells, "--csv", scratch / "many.csv"], timeout=900)
    seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
    if not checks.check(result.returncode == 0, "classify of many cells exits 0",
                        result.stderr[-2000:]):
        return None, cpu, 0
    return seconds, cpu, len(read_rows(scratch / "many.csv"))


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
