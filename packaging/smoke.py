"""The bundle's smoke test: run the frozen executables and check what they write.

The CLI classifies generated cells to a CSV checked row by row, the windowed app runs
``gui --smoke-test`` offscreen, and the launch and classify times are measured. Standard
library only, like ``build.py`` which calls it.
"""

from __future__ import annotations

import csv
import os
import re
import statistics
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from build import Bundle

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REAL_CELLS = ROOT.parent / "shared" / "data" / "cell_images" / "test"


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd`` capturing text output; Qt runs offscreen so no display is needed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout,
                          env=env, errors="replace", **kwargs)


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
