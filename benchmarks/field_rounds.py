"""Resident memory of the core alone screening the same whole fields round after round.

    python benchmarks/field_rounds.py [DIR] [--rounds N]

Prints VmRSS after each round of screening every field of DIR through the real pipeline.
A level line says the core (ONNX Runtime's session, OpenCV, the pipeline's threads) keeps
nothing per field; growth that ``working_day.py`` sees beyond it lies in the window.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from day_window import proc_status

from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fields"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    fields = sorted(args.folder.glob("*.JPG"))
    if not fields:
        print(f"no fields at {args.folder}", file=sys.stderr)
        return 2
    classifier = Classifier.open()
    print(f"{len(fields)} fields from {args.folder}; RSS {proc_status('VmRSS') / 1024:.1f} MB "
          "with the model open")
    for number in range(1, args.rounds + 1):
        start = time.perf_counter()
        results = sum(1 for _ in screen(fields, classifier))
        print(f"round {number}: {results} results in {time.perf_counter() - start:5.1f} s, "
              f"RSS {proc_status('VmRSS') / 1024:.1f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
