"""Where the "unlike the model's cells" warning's limits come from (``core.adapt.unlike``).

Prints, per batch, the healthy-cell shift and the uncertain fraction for

- the NIH validation slides the bundled card was calibrated on (``train/`` split by slide as
  training splits it), each screened as one whole field of its healthy cells with 2 % of its
  parasitized cells mixed in (a field of the model's own lab);
- the second lab's 30 shared fields, each screened as a whole field by the real pipeline;

and, with ``--model DIR`` (e.g. a model adapted on the shared fields), the same for that model.

    python benchmarks/unlike_cells.py [--model DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from malariascope.core.adapt.unlike import SHIFT_LIMIT, UNCERTAIN_LIMIT, unlike_cells
from malariascope.core.classifier import Classifier
from malariascope.core.dataset import find_subfolder, labelled_images
from malariascope.core.fields.standardize import standardize
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.preprocess import load_model_input
from malariascope.training.data import VALIDATION_FRACTION, split_by_slide

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PARASITEMIA = 0.02


def nih_validation_fields(classifier: Classifier, seed: int, fraction: float
                          ) -> dict[str, list[ScreeningResult]]:
    """Each validation slide's healthy cells plus 2 % parasitized, scored as one field."""
    images = labelled_images(find_subfolder(DATA / "cell_images", "train"))
    _, validation = split_by_slide(images, fraction, seed)
    slides = np.asarray(images.slides)[validation]
    labels = np.asarray(images.labels)[validation]
    paths = np.asarray(images.paths, dtype=object)[validation]
    rng = np.random.default_rng(0)
    fields = {}
    for slide in sorted(set(slides)):
        healthy = paths[(slides == slide) & (labels == 0)]
        infected = paths[(slides == slide) & (labels == 1)]
        chosen = list(healthy) + list(rng.permutation(infected)[:round(PARASITEMIA * len(healthy))])
        fields[slide] = _as_field(chosen, classifier)
    return fields


def _as_field(paths: list[Path], classifier: Classifier) -> list[ScreeningResult]:
    """Results as the pipeline gives a whole field of these cells: standardized together."""
    inputs = np.stack([load_model_input(p, classifier.input_size) for p in paths])
    raw = classifier.predict(inputs).probabilities
    scores = standardize(raw, classifier.card.field_reference)
    return [ScreeningResult(Path(p), probability=float(s), raw_probability=float(r),
                            cell_index=i + 1, box=(0, 0, 1, 1), whole_field=True)
            for i, (p, r, s) in enumerate(zip(paths, raw, scores, strict=True))]


def shared_fields(classifier: Classifier) -> dict[str, list[ScreeningResult]]:
    """The second lab's fields, screened by the real pipeline."""
    paths = sorted((DATA / "fields").glob("*.JPG"))
    results = list(screen(paths, classifier, mode="field"))
    return {p.name: [r for r in results if r.path == p] for p in paths}


def report(name: str, batches: dict[str, list[ScreeningResult]], classifier: Classifier) -> None:
    measures = {key: unlike_cells(results, classifier.rule, classifier.card)
                for key, results in batches.items()}
    shifts = np.array([m.shift for m in measures.values() if m.shift is not None])
    uncertain = np.array([m.uncertain_fraction for m in measures.values()])
    warned = sum(m.warn for m in measures.values())
    print(f"{name}: {len(measures)} batches, warned {warned}")
    print(f"  shift (healthy MADs): min {shifts.min():+.2f}  median {np.median(shifts):+.2f}  "
          f"max {shifts.max():+.2f}  |shift| max {np.abs(shifts).max():.2f}")
    print(f"  uncertain fraction: min {uncertain.min():.3f}  median {np.median(uncertain):.3f}"
          f"  max {uncertain.max():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a model folder to measure too")
    parser.add_argument("--seed", type=int, default=1, help="training's seed (the card's)")
    parser.add_argument("--validation-fraction", type=float, default=VALIDATION_FRACTION)
    args = parser.parse_args()
    print(f"limits: |shift| > {SHIFT_LIMIT} healthy MADs, or uncertain > {UNCERTAIN_LIMIT:.0%} "
          "(an adapted model's card may set its own)")
    for model in [None] + ([args.model] if args.model else []):
        classifier = Classifier.open(model)
        print(f"\n== {classifier.model_name}")
        report("NIH validation slides (as fields, 2 % parasitized)",
               nih_validation_fields(classifier, args.seed, args.validation_fraction),
               classifier)
        report("second lab's shared fields", shared_fields(classifier), classifier)


if __name__ == "__main__":
    main()
