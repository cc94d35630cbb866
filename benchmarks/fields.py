"""Whole-field figures on the IML-Malaria fields; prints the evaluate-fields summary and timings.

    python benchmarks/fields.py [DIR] [--annotations FILE] [--backend onnx|tensorflow]

Goals: cell finding recall and precision >= 0.95 (box IoU >= 0.5), parasitemia error
<= 0.5 percentage points. Times are per 1280x960 field on the current machine: cell finding
alone, the whole pipeline (read, find, screen), and the whole evaluation (which also crops and
screens the annotated cells).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from malariascope.core.classifier import Classifier
from malariascope.core.fields import find_cells
from malariascope.core.fields.annotations import annotated_images, load_annotations
from malariascope.core.fields.scoring import score_fields
from malariascope.core.fields.summary import summarize
from malariascope.core.imageio import read_image
from malariascope.core.options import BACKENDS
from malariascope.core.pipeline import screen

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fields"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--annotations", type=Path, help="default: DIR/annotations.json")
    parser.add_argument("--backend", default="onnx", choices=BACKENDS)
    args = parser.parse_args()
    annotations = args.annotations or args.folder / "annotations.json"
    if not annotations.is_file():
        print(f"no annotations at {annotations}", file=sys.stderr)
        return 2
    items, absent = annotated_images(args.folder, load_annotations(annotations))
    classifier = Classifier.open(backend=args.backend)
    print(f"{len(items)} annotated fields in {args.folder} ({len(absent)} absent), "
          f"model {classifier.model_name}\n")
    print_stage_times([path for path, _ in items], classifier)
    scores = list(score_fields(items, classifier))
    summary = summarize(scores, classifier.rule, classifier.model_name)
    print(summary.format())
    print_per_field(summary.to_dict()["per_field"])
    return 0


def print_stage_times(paths: list[Path], classifier: Classifier) -> None:
    """Median seconds per field of cell finding alone, and of the whole pipeline (reading,
    finding and screening, as ``malariascope classify`` does it)."""
    finding, screening = [], []
    for path in paths:
        image = read_image(path)
        start = time.perf_counter()
        find_cells(image)
        finding.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(screen([path], classifier, mode="field"))
        screening.append(time.perf_counter() - start)
    print(f"find_cells       {statistics.median(finding):.2f} s per field (median, "
          f"max {max(finding):.2f})")
    print(f"whole pipeline   {statistics.median(screening):.2f} s per field (median, "
          f"max {max(screening):.2f})\n")


def print_per_field(rows: list[dict]) -> None:
    print("\nimage            found annotated matched missed false touching  parasitemia pred/ann")
    for row in rows:
        print(f"{row['image']:<16} {row['found']:5d} {row['annotated']:9d} {row['matched']:7d} "
              f"{row['missed']:6d} {row['false']:5d} {row['false_touching']:8d}  "
              f"{row['predicted_parasitemia']:6.2f} / {row['annotated_parasitemia']:5.2f}")


if __name__ == "__main__":
    sys.exit(main())
