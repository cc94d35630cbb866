"""Cells found in whole fields resized, through ``malariascope classify``.

    python benchmarks/field_scales.py [FIELDS] [--fields 6] [--scales 0.5,1,2,3]

Takes ``--fields`` of the annotated fields (every fifth of them by name, from
../shared/data/fields), resizes each by every scale with PIL's LANCZOS (as a technician's
image editor would), runs ``classify`` once per scale on a folder of them, and prints per field
and in all the cells found and those called parasitized, with the change from scale 1.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "fields"


def counts(report: Path) -> tuple[Counter, Counter]:
    """Per field (file name): the cells found and those called parasitized."""
    found: Counter = Counter()
    parasitized: Counter = Counter()
    with open(report, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status"] == "ok":
                name = Path(row["image_path"]).name
                found[name] += 1
                parasitized[name] += row["call"] == "parasitized"
    return found, parasitized


def classify(fields: list[Path], scale: float, work: Path) -> tuple[Counter, Counter]:
    folder = work / f"x{scale:g}"
    folder.mkdir()
    for path in fields:
        with Image.open(path) as image:
            size = (round(image.width * scale), round(image.height * scale))
            image.convert("RGB").resize(size, Image.LANCZOS).save(folder / f"{path.stem}.png")
    report = work / f"x{scale:g}.csv"
    subprocess.run([sys.executable, "-m", "malariascope", "classify", str(folder), "--csv",
                    str(report), "--mode", "field"], cwd=ROOT, check=True,
                   stderr=subprocess.DEVNULL)
    return counts(report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--fields", type=int, default=6)
    parser.add_argument("--scales", default="0.5,1,2,3")
    args = parser.parse_args()
    every = sorted(args.folder.glob("*.JPG"))
    fields = every[::max(1, len(every) // args.fields)][:args.fields]
    scales = [float(scale) for scale in args.scales.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        results = {scale: classify(fields, scale, Path(temp)) for scale in scales}
    print(f"{'field':<14}" + "".join(f"{f'x{scale:g}':>12}" for scale in scales)
          + "   (cells found / parasitized)")
    for path in fields:
        name = f"{path.stem}.png"
        print(f"{path.stem:<14}" + "".join(
            f"{f'{found[name]} / {para[name]}':>12}" for found, para in results.values()))
    base = results.get(1.0)
    print(f"{'all':<14}" + "".join(f"{f'{sum(f.values())} / {sum(p.values())}':>12}"
                                   for f, p in results.values()))
    if base is not None:
        total = sum(base[0].values())
        print(f"{'change':<14}" + "".join(
            f"{(sum(f.values()) - total) / total:>+12.1%}" for f, _ in results.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
