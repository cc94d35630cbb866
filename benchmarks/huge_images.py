"""Images that decode huge, through the CLI: peak memory must stay under 1.5 GB.

    python benchmarks/huge_images.py [--copies 2]

Writes, in a temporary folder, the worst files the limits let through (whole fields just under
the 20-megapixel limit, tiled from ../shared/data/fields or generated, and 64-bit float TIFFs of
that size, which decode to 468 MB each from a few MB on disk) and those they refuse (10,000 x
10,000 px 8-bit and float images), interleaved so that the two loader threads meet them
together. Runs ``malariascope classify`` on them in a child process and prints each file's
status, the time and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from malariascope.core.imageio import read_image  # noqa: E402
from tests.images import repeating_tiff, write_rgb  # noqa: E402

FIELDS = ROOT.parent / "shared" / "data" / "fields"


def field(seed: int) -> np.ndarray:
    """A whole field: a real one when the shared data is there, else a generated one."""
    real = sorted(FIELDS.glob("*.JPG"))
    if real:
        return read_image(real[seed % len(real)])
    from tests.images import make_field

    return make_field(seed)[0]


def tiled(image: np.ndarray, width: int, height: int) -> np.ndarray:
    reps = (-(-height // image.shape[0]), -(-width // image.shape[1]), 1)
    return np.tile(image, reps)[:height, :width]


def write_files(folder: Path, copies: int) -> None:
    """The files, named so that natural order interleaves fields and float images."""
    for i in range(copies):
        write_rgb(folder / f"{i}a field 5400x3600.jpg", tiled(field(i), 5400, 3600))
        band = tiled(field(i), 5000, 100).astype(np.float64)
        (folder / f"{i}b float64 5000x3900.tif").write_bytes(repeating_tiff(band, 39))
    band = tiled(field(0), 10_000, 100)
    (folder / "9 8-bit 10000x10000.tif").write_bytes(repeating_tiff(band, 100))
    (folder / "9 float32 10000x10000.tif").write_bytes(repeating_tiff(band.astype(np.float32),
                                                                      100))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="fields and float images each")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder, report = Path(tmp) / "huge", Path(tmp) / "report.csv"
        folder.mkdir()
        write_files(folder, args.copies)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "malariascope", "classify", str(folder),
                               "--csv", str(report)], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(report, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    files: dict[str, list[str]] = {}
    for row in rows:
        files.setdefault(Path(row["image_path"]).name, []).append(row["error"] or row["status"])
    for name, statuses in files.items():
        print(f"  {name}: {len(statuses)} rows, {statuses[0]}")
    print(f"classify exit {done.returncode} in {seconds:.1f} s; peak RSS {peak:.0f} MB "
          f"(goal < 1,500 MB)")
    return 0 if peak < 1500 else 1


if __name__ == "__main__":
    raise SystemExit(main())
