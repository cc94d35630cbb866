"""A big batch through the CLI: peak memory must stay bounded (goal < 600 MB with ONNX).

    python benchmarks/big_batch.py [--cells 20000]

Generates the cells in a temporary folder (pink discs, some with dark dots), runs
``malariascope classify`` on them in a child process and prints time, cells/s and the child's
peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from malariascope.core.options import BACKENDS  # noqa: E402
from tests.images import make_cell_folder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--backend", default="onnx", choices=BACKENDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cells"
        start = time.perf_counter()
        make_cell_folder(folder, args.cells)
        print(f"generated {args.cells} cells in {time.perf_counter() - start:.1f} s")
        command = [sys.executable, "-m", "malariascope", "classify", str(folder),
                   "--csv", str(Path(tmp) / "report.csv"), "--backend", args.backend]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = sum(1 for _ in open(Path(tmp) / "report.csv", encoding="utf-8-sig")) - 1
    print(f"classify exit {result.returncode}: {rows} rows in {seconds:.1f} s "
          f"({rows / seconds:.0f} cells/s); peak RSS {peak:.0f} MB (goal < 600 MB)")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
