"""Whole fields' found cells ranked by the base model, the adapted head alone, and both.

Each held-out field's cells (one field per fold, as ``adaptation.py``) are ranked by the
bundled model's per-field standardized score, by the head adapted on the other 29 fields
(``core.adapt.fit.calibrate``) alone, and by the adapted model as it screens them: the mean of
the two, each in units of its own healthy cells' spread (``fields.blend``; ``measure._scored``'s
ranking score). Prints AUC and the best balanced accuracy over all thresholds (a ceiling: the
threshold is chosen on the cells measured), for cells scored as they lie and as the mean of
their eight views.

    OPENBLAS_NUM_THREADS=1 python benchmarks/adaptation_blend.py
"""

from __future__ import annotations

import dataclasses

import numpy as np
from adaptation import FIELDS

from malariascope.core.adapt.auc import auc
from malariascope.core.adapt.cells import LabelledCells, group_folds
from malariascope.core.adapt.features import read_sources
from malariascope.core.adapt.fit import Calibration, calibrate
from malariascope.core.adapt.run import open_source
from malariascope.core.classifier import Classifier


def ranks(calibration: Calibration, cells: LabelledCells, views: bool) -> np.ndarray:
    """Log-odds' distance from the healthy median in healthy MADs (fields standardized)."""
    calibration = dataclasses.replace(calibration, views=8 if views else 1)
    median, spread = calibration.healthy or (0.0, 1.0)
    return (calibration.log_odds(cells) - median) / spread


def best_balanced_accuracy(parasitized: np.ndarray, scores: np.ndarray) -> float:
    """The highest balanced accuracy of any threshold on ``scores``."""
    order = np.argsort(-scores)
    found = np.cumsum(parasitized[order]) / parasitized.sum()
    cleared = 1 - np.cumsum(~parasitized[order]) / (~parasitized).sum()
    return float(np.max((found + cleared) / 2))


def main() -> None:
    classifier = Classifier.open()
    cells, _ = read_sources([open_source(FIELDS)], classifier)
    base = Calibration.of_card(classifier.card)
    fold = group_folds(cells.groups, cells.labels, len(set(cells.groups)))
    kinds = [(views, blended) for views in (False, True) for blended in (False, True)]
    adapted = {kind: np.empty(len(cells)) for kind in kinds}
    for f in range(int(fold.max()) + 1):
        held = fold == f
        calibration = calibrate(cells.subset(~held), base)
        for (views, blended), values in adapted.items():
            chosen = calibration if blended else dataclasses.replace(calibration, blend=None)
            values[held] = ranks(chosen, cells.subset(held), views)
    scores = {}
    for views in (False, True):
        name = "eight views" if views else "one view"
        scores.update({f"base, {name}": ranks(base, cells, views),
                       f"adapted head, {name}": adapted[views, False],
                       f"mean of both, {name}": adapted[views, True]})
    labelled = cells.labelled
    parasitized = cells.labels[labelled] == 1
    print(f"{int(parasitized.sum())} parasitized, {int((~parasitized).sum())} uninfected found "
          f"cells in {len(set(cells.groups))} fields, one field held out per fold")
    for name, values in scores.items():
        print(f"  {name:26s} AUC {auc(parasitized, values[labelled]):.4f}  best balanced "
              f"accuracy {best_balanced_accuracy(parasitized, values[labelled]):.4f}")


if __name__ == "__main__":
    main()
