"""Put a field's scores on the scale of the training lab's healthy cells before calling them.

A model trained on one lab's cells scores another lab's cells off scale, by an amount that
differs from smear to smear: on the second lab's fields (another microscope, camera, stain and
species) the bundled model scored healthy cells so high that one in three was called
parasitized. Yet most red cells of any field are healthy (parasitemia is a few percent, rarely
above 10 %), so a field's own cells show where its healthy scores lie: the median and median
absolute deviation (MAD) of their log-odds, both unmoved by the few infected cells. Each field's
log-odds are moved and scaled so that these two become the model card's ``healthy_log_odds``
(the same two figures over the uninfected validation cells); the card's threshold then means on
the field what it means on the training lab's cells. A field with too few cells keeps its scores.

Measured with ``evaluate-fields`` on the second lab's 30 fields (bundled model): balanced
accuracy 0.83 -> 0.94 (specificity 0.67 -> 0.96, sensitivity 0.98 -> 0.91); parasitemia is
counted at the card's stricter field threshold (``CallRule``), error 1.5 points. Bringing each
field's stain density to the training cells' instead gave 0.87. The price, on fields made of
NIH test cells (the training lab, 2 % parasitized): specificity 0.962 -> 0.937, as those
slides' healthy cells score a little unlike the validation slides'.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from malariascope.core.classifier import calibrated
from malariascope.core.logodds import log_odds

MIN_CELLS = 20  #: a field with fewer cells keeps its scores (too few for a robust median/MAD)
SCALE_RANGE = (0.25, 4.0)  #: the factor on a field's log-odds is kept within this range


def median_and_mad(probabilities: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """The median and the median absolute deviation of these probabilities' log-odds."""
    return _median_and_mad(log_odds(probabilities))


def _median_and_mad(values: np.ndarray) -> tuple[float, float]:
    median = float(np.median(values))
    return median, float(np.median(np.abs(values - median)))


def standardize(probabilities: Sequence[float] | np.ndarray,
                reference: tuple[float, float] | None,
                like: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    """``probabilities`` with log-odds moved and scaled so that those of the cells ``like``
    (default: these cells themselves, e.g. all cells found in one field) get the median and MAD
    ``reference``. Unchanged without a reference or with fewer than :data:`MIN_CELLS` cells.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    field = probabilities if like is None else np.asarray(like, dtype=np.float64)
    if reference is None or field.size < MIN_CELLS:
        return probabilities
    own_median, scale = field_scaling(log_odds(field), reference)
    moved = reference[0] + (log_odds(probabilities) - own_median) * scale
    return calibrated(moved, temperature=1.0)  # the logistic, without overflow


def field_scaling(field: np.ndarray, reference: tuple[float, float]) -> tuple[float, float]:
    """The median of a field's log-odds and the factor that standardizing scales them by: a
    cell's log-odds ``x`` becomes ``reference median + (x - median) * factor``. A field of
    fewer than :data:`MIN_CELLS` keeps its scores (the reference median and a factor of 1)."""
    if field.size < MIN_CELLS:
        return reference[0], 1.0
    own_median, own_mad = _median_and_mad(field)
    # cells all scored alike (MAD 0) get the largest factor allowed, as a tiny MAD would
    scale = float(np.clip(reference[1] / own_mad, *SCALE_RANGE)) if own_mad > 0 else (
        SCALE_RANGE[1])
    return own_median, scale
