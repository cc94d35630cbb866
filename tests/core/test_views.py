"""A card that scores eight views gives a cell one score however it lies on the slide."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.modelcard import CARD_NAME
from malariascope.core.modelfiles import bundled_dir
from malariascope.core.preprocess import to_model_input
from malariascope.core.views import eight_views, turned_back
from tests.images import make_cell


@pytest.fixture(scope="module")
def eight(tmp_path_factory) -> Classifier:
    """The bundled model with a card that scores each cell by its eight views."""
    folder = Path(shutil.copytree(bundled_dir(), tmp_path_factory.mktemp("views") / "model"))
    card = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    (folder / CARD_NAME).write_text(json.dumps({**card, "views": 8}), encoding="utf-8")
    return Classifier.open(folder)


def cells(size: int) -> np.ndarray:
    return np.stack([to_model_input(make_cell(parasitized=p, seed=s), size)
                     for p in (False, True) for s in range(3)])


def test_every_turn_and_mirror_of_a_cell_scores_alike_and_its_map_turns_with_it(eight):
    inputs = cells(eight.input_size)
    scores = eight.predict(inputs)
    for view in eight_views(inputs)[1:]:
        turned = eight.predict(view)
        np.testing.assert_allclose(turned.probabilities, scores.probabilities, atol=1e-6)
    quarter = eight.predict(np.ascontiguousarray(np.rot90(inputs, 1, axes=(1, 2))))
    np.testing.assert_allclose(quarter.class_maps, np.rot90(scores.class_maps, 1, axes=(1, 2)),
                               atol=1e-4)
    plain = Classifier.open()
    one = [plain.predict(view).probabilities for view in eight_views(inputs)]
    assert np.ptp(one, axis=0).max() > 1e-3  # one view alone depends on how the cell lies


def test_the_score_is_the_views_mean_logit_and_its_map_adds_up_to_it(eight):
    inputs = cells(eight.input_size)
    plain = Classifier.open()
    logits = np.mean([plain.backend.run(view)[0] for view in eight_views(inputs)], axis=0)
    scores = eight.predict(inputs)
    expected = 1 / (1 + np.exp(-logits / eight.card.temperature))
    np.testing.assert_allclose(scores.probabilities, expected, atol=1e-6)
    np.testing.assert_allclose(scores.class_maps.mean(axis=(1, 2)) + eight.card.head_bias,
                               logits, atol=1e-4)


def test_each_views_maps_turn_back_to_the_cell_as_it_lies():
    """Maps as uneven as can be (no symmetry, not square, several heads) come back whole."""
    maps = np.random.default_rng(0).random((2, 5, 7, 3))
    for index, view in enumerate(eight_views(maps)):
        np.testing.assert_array_equal(turned_back(view, index), maps)
