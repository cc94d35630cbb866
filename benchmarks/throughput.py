"""Throughput of the screening stages on the NIH test split; prints cells/s and peak memory.

    python benchmarks/throughput.py [FOLDER] [--backend onnx|tensorflow]

Goals (2-core machine): the whole classify run >= 800 cells/s and at most 2.5x the decode-only
time; Grad-CAM of one image under 20 ms.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from malariascope.core.classifier import Classifier
from malariascope.core.discovery import Discovery
from malariascope.core.facts import BatchFacts
from malariascope.core.gradcam import heatmap, overlay
from malariascope.core.imageio import read_image
from malariascope.core.options import BACKENDS
from malariascope.core.pipeline import screen
from malariascope.core.preprocess import to_model_input
from malariascope.core.report import report_row, write_report

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cell_images" / "test"


def timed(label: str, count: int, action) -> float:
    """Run ``action`` once, print cells/s, return seconds."""
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<28} {count / seconds:8.0f} cells/s  ({seconds:.2f} s for {count})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--backend", default="onnx", choices=BACKENDS)
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"no images at {args.folder}", file=sys.stderr)
        return 2
    paths = list(Discovery([args.folder]))
    classifier = Classifier.open(backend=args.backend)
    size, n = classifier.input_size, len(paths)
    print(f"{n} cells from {args.folder}, backend {args.backend}")

    decode = timed("decode only (1 thread)", n, lambda: [read_image(p) for p in paths])
    cells: list[np.ndarray] = []
    timed(
        "decode + preprocess",
        n,
        lambda: cells.extend(to_model_input(read_image(p), size) for p in paths),
    )
    batch = np.stack(cells)
    timed(
        "inference (batches of 64)",
        n,
        lambda: [classifier.predict(batch[i : i + 64]) for i in range(0, n, 64)],
    )

    image = read_image(paths[0])
    scores = classifier.predict(batch[:1])
    start = time.perf_counter()
    for _ in range(200):
        overlay(image, heatmap(scores.class_maps[0], image.shape, True))
    print(
        f"{'Grad-CAM heatmap + overlay':<28} "
        f"{(time.perf_counter() - start) / 200 * 1000:8.2f} ms per image"
    )
    start = time.perf_counter()
    for _ in range(50):
        classifier.predict(batch[:1])
    print(
        f"{'one-image inference':<28} {(time.perf_counter() - start) / 50 * 1000:8.2f} ms per image"
    )

    info = BatchFacts.of(classifier)
    with tempfile.TemporaryDirectory() as tmp:

        def whole_run() -> None:
            results = screen(Discovery([args.folder]), classifier)
            write_report(
                Path(tmp) / "report.csv",
                (report_row(r, info) for r in results),
                info,
            )

        whole = timed("whole classify run to CSV", n, whole_run)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole run / decode only: {whole / decode:.2f}x (goal <= 2.5x); peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
