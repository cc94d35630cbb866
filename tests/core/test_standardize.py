"""Each whole field's scores are brought to the training lab's healthy cells."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.fields.standardize import MIN_CELLS, median_and_mad, standardize
from malariascope.core.pipeline import screen
from tests.conftest import SHARED_DATA

REAL_FIELD = SHARED_DATA / "fields" / "PA171693.JPG"
REFERENCE = (-4.0, 0.8)  # median and MAD of healthy log-odds, as on a model card


def _probabilities(log_odds: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-log_odds))


def _field(healthy_median: float, healthy_mad: float, infected: int = 3) -> np.ndarray:
    """A field's probabilities: 100 healthy cells, then a few scoring far above them."""
    rng = np.random.default_rng(0)
    healthy = healthy_median + healthy_mad / 0.6745 * rng.normal(size=100)  # MAD = 0.6745 SD
    top = healthy_median + np.linspace(8, 10, infected) * healthy_mad
    return _probabilities(np.concatenate([healthy, top]))


def test_a_field_scored_off_scale_is_brought_to_the_reference():
    field = _field(healthy_median=-1.0, healthy_mad=1.6)  # a healthy cell in three over 0.2
    out = standardize(field, REFERENCE)
    median, mad = median_and_mad(out)
    assert (median, mad) == pytest.approx(REFERENCE, abs=1e-6)
    assert np.array_equal(np.argsort(out), np.argsort(field)), "the order of cells is kept"
    assert (field[:100] >= 0.2).mean() > 0.3
    assert (out[:100] >= 0.2).mean() < 0.05 and (out[100:] >= 0.2).all()


def test_cells_are_standardized_like_other_cells():
    field = _field(healthy_median=-1.0, healthy_mad=1.6)
    some = field[[0, 100]]
    assert np.allclose(standardize(some, REFERENCE, like=field),
                       standardize(field, REFERENCE)[[0, 100]])


def test_too_few_cells_or_no_reference_keep_their_scores():
    field = _field(healthy_median=-1.0, healthy_mad=1.6)
    assert np.array_equal(standardize(field[:MIN_CELLS - 1], REFERENCE), field[:MIN_CELLS - 1])
    assert np.array_equal(standardize(field, None), field)
    same = np.full(50, 0.3)  # no spread at all: moved, but not blown up
    assert np.allclose(standardize(same, REFERENCE), _probabilities(REFERENCE[0]))


def test_pipeline_standardizes_a_real_field():
    """Through the real pipeline and bundled model, whatever the model calls each cell."""
    if not REAL_FIELD.is_file():
        pytest.skip(f"real field not found at {REAL_FIELD} (../shared/data beside the project)")
    classifier = Classifier.open()
    results = list(screen([REAL_FIELD], classifier))
    median, mad = median_and_mad([r.probability for r in results])
    assert (median, mad) == pytest.approx(classifier.card.healthy_log_odds, abs=1e-4)
