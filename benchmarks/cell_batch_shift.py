"""Moving a batch of single cells back to scale by its lowest scores (measured, not adopted).

Whole fields are standardized by the median and MAD of their cells' log-odds, since most red
cells of a field are healthy. A batch of single cells cannot count on that: the NIH validation
slides, each screened as one batch, are up to 89 % parasitized. This prints what two rules do,
at the bundled card's threshold, to the second lab's plain box crops (one batch per field) and
to the NIH validation slides (one batch per slide, ``train/`` split as training splits it):

- each batch standardized as a field is (median and MAD);
- each batch's log-odds moved so that its ``q`` quantile is that of the healthy validation
  cells, and only where that move is larger than ``limit`` log-odds (the lowest scores of a
  batch are its healthiest cells, whatever its parasitemia below 1 - q).

    python benchmarks/cell_batch_shift.py [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from adaptation import FIELDS, write_plain_crops
from validation_slides import validation_cells

from malariascope.core.classifier import Classifier, calibrated
from malariascope.core.fields.annotations import annotated_images, load_annotations
from malariascope.core.fields.standardize import standardize
from malariascope.core.logodds import log_odds
from malariascope.core.screening import score_images

Batches = list[tuple[np.ndarray, np.ndarray]]  # (probabilities, labels) of each batch
QUANTILES = (0.02, 0.05)
LIMITS = (0.0, 1.0, 1.5, 2.0)  # log-odds


def crop_batches(classifier: Classifier) -> Batches:
    annotations = load_annotations(FIELDS / "annotations.json")
    paths, _ = annotated_images(FIELDS, annotations)
    with tempfile.TemporaryDirectory() as scratch:
        crops = write_plain_crops({p.name: (p, cells) for p, cells in paths}, Path(scratch))
    return [(score_images(images, classifier), np.asarray(labels))
            for images, labels in crops.values()]


def slide_batches(classifier: Classifier, seed: int) -> Batches:
    x, labels, slides, _ = validation_cells(seed, classifier.input_size)
    scores = np.concatenate([classifier.predict(x[i:i + 256]).probabilities
                             for i in range(0, len(x), 256)])
    return [(scores[slides == s], labels[slides == s]) for s in np.unique(slides)]


def figures(batches: Batches, threshold: float) -> str:
    scores = np.concatenate([p for p, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    called = scores >= threshold
    sensitivity, specificity = called[labels == 1].mean(), (~called[labels == 0]).mean()
    return (f"balanced accuracy {(sensitivity + specificity) / 2:.3f} (sensitivity "
            f"{sensitivity:.3f}, specificity {specificity:.3f})")


def moved(batch: np.ndarray, q: float, healthy_q: float, limit: float) -> np.ndarray:
    values = log_odds(batch)
    shift = float(np.quantile(values, q)) - healthy_q
    return calibrated(values - shift, temperature=1.0) if shift > limit else batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    classifier = Classifier.open(None)
    threshold, reference = classifier.rule.threshold, classifier.card.healthy_log_odds
    slides = slide_batches(classifier, args.seed)
    sets = {"second lab's crops, by field": crop_batches(classifier),
            "NIH validation, by slide": slides}
    healthy = log_odds(np.concatenate([p[y == 0] for p, y in slides]))
    for name, batches in sets.items():
        print(f"\n{name} ({len(batches)} batches), threshold {threshold:.4f}")
        print(f"  as scored:            {figures(batches, threshold)}")
        standardized = [(standardize(p, reference), y) for p, y in batches]
        print(f"  median and MAD:       {figures(standardized, threshold)}")
        for q in QUANTILES:
            healthy_q = float(np.quantile(healthy, q))
            shifts = [float(np.quantile(log_odds(p), q)) - healthy_q for p, _ in batches]
            print(f"  q {q}: shifts {min(shifts):.2f} to {max(shifts):.2f} (median "
                  f"{np.median(shifts):.2f})")
            for limit in LIMITS:
                shifted = [(moved(p, q, healthy_q, limit), y) for p, y in batches]
                print(f"    moved beyond {limit:.1f}: {figures(shifted, threshold)}")


if __name__ == "__main__":
    main()
