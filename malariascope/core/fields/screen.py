"""Screen a whole field: every cell found is classified, and parasitemia is counted.

Parasitemia here is the share of red cells the model calls parasitized, in percent, over the
cells found (whole cells only: cells cut by the image border are not counted, as in a manual
count that takes only complete cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from malariascope.core.classifier import PARASITIZED, CallRule, Classifier
from malariascope.core.fields.cells import FieldCell, Segmentation, find_cells, segment_field
from malariascope.core.fields.mask import FieldParams
from malariascope.core.preprocess import to_model_input

BATCH_SIZE = 64


@dataclass(frozen=True)
class ScreenedCell:
    """One cell of a field with the model's verdict."""

    cell: FieldCell
    probability: float  # calibrated P(parasitized)
    class_map: np.ndarray  # Grad-CAM class map before ReLU, for ``core.gradcam.heatmap``
    call: str  # "parasitized" or "uninfected"
    uncertain: bool


@dataclass
class FieldResult:
    """Everything the screen of one field produced."""

    cells: list[ScreenedCell] = field(default_factory=list)
    cell_radius: float = 0.0

    @property
    def found(self) -> int:
        return len(self.cells)

    @property
    def parasitized(self) -> int:
        return sum(c.call == PARASITIZED for c in self.cells)

    @property
    def uninfected(self) -> int:
        return self.found - self.parasitized

    @property
    def uncertain(self) -> int:
        return sum(c.uncertain for c in self.cells)

    @property
    def parasitemia(self) -> float:
        """Percent of found cells called parasitized (0 when no cell was found)."""
        return 100.0 * self.parasitized / self.found if self.found else 0.0

    def counts(self) -> dict[str, float]:
        """The summary numbers, e.g. for a report row."""
        return {"cells": self.found, "parasitized": self.parasitized,
                "uninfected": self.uninfected, "uncertain": self.uncertain,
                "parasitemia": self.parasitemia}


def screen_field(rgb: np.ndarray, classifier: Classifier, params: FieldParams | None = None,
                 rule: CallRule | None = None,
                 segmentation: Segmentation | None = None) -> FieldResult:
    """Find the cells of a field and classify each; ``rule`` defaults to the model card's."""
    params = params or FieldParams()
    seg = segmentation or segment_field(rgb, params)
    cells = find_cells(rgb, params, seg)
    probabilities, maps = classify_crops([c.crop for c in cells], classifier)
    rule = rule or classifier.rule
    screened = [
        ScreenedCell(cell, float(p), maps[i], rule.call(float(p)), rule.uncertain(float(p)))
        for i, (cell, p) in enumerate(zip(cells, probabilities, strict=True))
    ]
    return FieldResult(screened, seg.radius)


def classify_crops(crops: list[np.ndarray], classifier: Classifier,
                   batch_size: int = BATCH_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """P(parasitized) and class maps of masked crops, preprocessed as for single cells."""
    if not crops:
        return np.zeros(0), np.zeros((0, 1, 1), np.float32)
    inputs = np.stack([to_model_input(crop, classifier.input_size) for crop in crops])
    probabilities, maps = [], []
    for start in range(0, len(inputs), batch_size):
        scores = classifier.predict(inputs[start:start + batch_size])
        probabilities.append(scores.probabilities)
        maps.append(scores.class_maps)
    return np.concatenate(probabilities), np.concatenate(maps)
