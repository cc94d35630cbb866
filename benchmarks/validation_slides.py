"""A model on the validation slides, pooled and per slide, and on the second lab's plain crops.

The validation slides are those ``train`` holds out of ``train/`` (``--seed`` and
``training.data.VALIDATION_FRACTION``, as in the bundled model's run), so models trained with
that seed can be compared on patients none of them trained on. Each model is called at its own
card's threshold; slides of fewer than 20 cells of a class are left out of that class's worst
slides. The plain box crops are the 30 shared fields' annotated boxes cut out as rectangles,
scored as single cells (the issue's goal: balanced accuracy >= 0.90 with no adaptation).
With ``--label-review``, the validation figures are also given without the cells that review
contradicts (``docs/nih-label-review.csv``: NIH cells filed as parasitized that show none).

    python benchmarks/validation_slides.py [MODEL ...] [--seed 1] [--label-review CSV]
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from adaptation import DATA, FIELDS, write_plain_crops

from malariascope.core.classifier import Classifier
from malariascope.core.fields.annotations import annotated_images, load_annotations
from malariascope.core.metrics import screening_metrics
from malariascope.core.preprocess import load_model_input
from malariascope.core.screening import score_images
from malariascope.core.split import open_split
from malariascope.training.data import VALIDATION_FRACTION, split_by_slide
from malariascope.training.review import LabelReview

MIN_CELLS = 20  # a slide's figure for a class counts among the worst from this many cells


def validation_cells(seed: int, size: int, review: LabelReview | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The validation slides' model inputs, labels, slide names, and which cells keep their
    label under ``review`` (all without one)."""
    images = open_split(DATA / "cell_images", None, seed).train
    _, val_idx = split_by_slide(images, VALIDATION_FRACTION, seed)
    with ThreadPoolExecutor() as pool:
        inputs = list(pool.map(lambda i: load_model_input(images.paths[i], size), val_idx))
    kept = val_idx if review is None else review.kept(images, val_idx)
    return (np.stack(inputs), np.asarray(images.labels)[val_idx].astype(int),
            np.asarray(images.slides)[val_idx], np.isin(val_idx, kept))


def worst_slides(called: np.ndarray, wanted: np.ndarray, slides: np.ndarray) -> str:
    """The four slides with the lowest share of ``wanted`` cells ``called`` right."""
    rates = [(called[(slides == s) & wanted].mean(), s, int(np.sum((slides == s) & wanted)))
             for s in np.unique(slides[wanted])
             if np.sum((slides == s) & wanted) >= MIN_CELLS]
    return ", ".join(f"{s} {rate:.3f} ({n})" for rate, s, n in sorted(rates)[:4])


def plain_crops(classifier: Classifier) -> str:
    """The second lab's plain box crops scored as single cells, at the card's threshold."""
    annotations = load_annotations(FIELDS / "annotations.json")
    paths, _ = annotated_images(FIELDS, annotations)
    with tempfile.TemporaryDirectory() as scratch:
        crops = write_plain_crops({p.name: (p, cells) for p, cells in paths}, Path(scratch))
    images = [image for field_images, _ in crops.values() for image in field_images]
    labels = np.concatenate([field_labels for _, field_labels in crops.values()])
    m = screening_metrics(labels, score_images(images, classifier), classifier.rule.threshold)
    return (f"balanced accuracy {(m.sensitivity + m.specificity) / 2:.4f}  sensitivity "
            f"{m.sensitivity:.4f}  specificity {m.specificity:.4f}  AUC {m.auc:.4f}  (n {m.n})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=[None], help="model folders or cards")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label-review", type=Path, metavar="CSV",
                        help="also measure against the labels this review leaves standing")
    args = parser.parse_args()
    review = None if args.label_review is None else LabelReview.read(args.label_review)
    for model in args.models:
        classifier = Classifier.open(model)
        threshold = classifier.rule.threshold
        x, labels, slides, kept = validation_cells(args.seed, classifier.input_size, review)
        probabilities = np.concatenate([classifier.predict(x[i:i + 256]).probabilities
                                        for i in range(0, len(x), 256)])
        m = screening_metrics(labels, probabilities, threshold)
        flagged = probabilities >= threshold
        print(f"\n{model or 'bundled model'} (threshold {threshold:.4f})")
        print(f"  validation, {len(np.unique(slides))} slides: AUC {m.auc:.4f}  sensitivity "
              f"{m.sensitivity:.4f}  specificity {m.specificity:.4f}  (n {m.n})")
        if review is not None:
            r = screening_metrics(labels[kept], probabilities[kept], threshold)
            print(f"  the same, reviewed labels ({np.sum(~kept)} cells left out): AUC "
                  f"{r.auc:.4f}  sensitivity {r.sensitivity:.4f}  specificity "
                  f"{r.specificity:.4f}  (n {r.n})")
        print(f"  worst specificity: {worst_slides(~flagged, labels == 0, slides)}")
        print(f"  worst sensitivity: {worst_slides(flagged, labels == 1, slides)}")
        print(f"  second lab's plain box crops: {plain_crops(classifier)}")


if __name__ == "__main__":
    main()
