"""A model adapted on whole fields scores their cells by its head and the base model's together."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.adapt.card import adapted_card
from malariascope.core.adapt.features import read_sources
from malariascope.core.adapt.fit import Calibration
from malariascope.core.adapt.loading import ADAPTED, seal_of
from malariascope.core.adapt.logistic import Head
from malariascope.core.adapt.run import adapt, open_source, write_model
from malariascope.core.classifier import Classifier, log_odds
from malariascope.core.errors import ModelError
from malariascope.core.fields.standardize import SCALE_RANGE
from malariascope.core.imageio import read_image
from malariascope.core.modelcard import CARD_NAME, load_card
from malariascope.core.pipeline import screen
from malariascope.core.preprocess import to_model_input
from malariascope.core.screening import field_inputs
from malariascope.core.views import eight_views
from tests.images import make_field, write_rgb

FIELDS = 4
SLOTS, PAIRS = 35, {5, 17, 30}  # make_field's layout: slots in reading order, touching pairs


def field_kinds() -> list[str]:
    """The annotated type of each of ``make_field``'s boxes: slots ``i % 4 == 1`` hold dots."""
    return [kind for i in range(SLOTS)
            for kind in ["ring" if i % 4 == 1 else "red blood cell"] * (2 if i in PAIRS else 1)]


def write_fields(folder: Path) -> Path:
    """``FIELDS`` generated whole fields with their annotations, as a lab's reviewed fields."""
    folder.mkdir()
    entries = []
    for seed in range(FIELDS):
        image, boxes = make_field(seed)
        write_rgb(folder / f"f{seed}.png", image)
        entries.append({"image_name": f"f{seed}.png", "objects": [
            {"type": kind, "bbox": dict(zip("xywh", box, strict=True))}
            for kind, box in zip(field_kinds(), boxes, strict=True)]})
    (folder / "annotations.json").write_text(json.dumps(entries), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def blended(tmp_path_factory) -> Path:
    """A model adapted on generated whole fields, written beside them."""
    root = tmp_path_factory.mktemp("blend")
    adaptation = adapt([open_source(write_fields(root / "fields"))])
    return write_model(adaptation, root / "lab-model").parent


def test_a_model_adapted_on_whole_fields_records_the_base_model_to_blend_with(blended):
    card, base = load_card(blended), load_card()
    assert card.blend is not None and not card.standardize_fields
    assert card.views == 8  # the head is fitted on each cell's eight views, and scores them
    assert card.blend.weights == pytest.approx(base.head_weights)
    assert card.blend.bias == pytest.approx(base.head_bias)
    assert card.blend.temperature == base.temperature
    assert card.blend.healthy == base.healthy_log_odds
    assert card.head_weights != base.head_weights
    assert "the base model's" in (blended / "README.md").read_text(encoding="utf-8")


def test_adapting_chooses_on_the_scores_its_model_screens_fields_by(tmp_path):
    """What adapting fits and chooses on (``Calibration.log_odds`` of the cells' pooled
    features, each cell's eight views' mean) is what a model scoring eight views screens a
    field by."""
    folder = write_fields(tmp_path / "fields")
    cells, _ = read_sources([open_source(folder)], Classifier.open())
    model = hand_adapted(tmp_path / "lab-model")
    chosen = cells.subset(cells.fields == f"{folder}:f0.png")
    expected = Calibration.of_card(load_card(model)).log_odds(chosen)
    results = screen([folder / "f0.png"], Classifier.open(model))
    got = log_odds(np.array([r.probability for r in results]))
    inside = np.abs(expected) < 20  # probabilities within 1e-9 of 0 or 1 are kept there
    assert len(got) == len(expected) and inside.sum() > 25
    assert got[inside] == pytest.approx(expected[inside], abs=1e-4)


def hand_adapted(folder: Path, fields: bool = True, base_model: Path | None = None) -> Path:
    """An adapted model folder whose head, temperature and healthy cells are set by hand
    (away from the bundled ones and from the saturated fit of separable generated cells),
    scoring each cell's eight views and, as adapted on whole ``fields``, blending field cells
    with its base model, ``base_model`` or the bundled one (else standardizing fields, as
    adapted on single cells): its card made and sealed as adapting does."""
    base = load_card(base_model)
    weights = np.asarray(base.head_weights)
    blend = Calibration.of_card(base).field_blend if fields else None
    calibration = Calibration(Head(0.7 * weights + 0.3 * np.roll(weights, 1), base.head_bias),
                              1.5, 0.5, 0.8, (-2.5, 0.9), standardize_fields=not fields,
                              blend=blend, views=8)
    folder.mkdir()
    (folder / CARD_NAME).write_text(json.dumps(adapted_card(base, calibration, {})),
                                    encoding="utf-8")
    return folder


def test_field_cells_are_ranked_by_both_heads_and_single_cells_by_the_adapted_one(tmp_path):
    """A field cell's log-odds is the mean of its two ranks (each its distance from its own
    healthy median in healthy MADs, the base's with its field standardized) on the adapted
    scale, each the mean of its eight views', and its Grad-CAM map is as linear in the
    features as that log-odds."""
    adapted = Classifier.open(hand_adapted(tmp_path / "lab-model"))
    base = Classifier.open()
    image = make_field(0)[0]
    results = list(screen([write_rgb(tmp_path / "field.png", image)], adapted))
    _, inputs = field_inputs(image, adapted.input_size)
    turned = eight_views(np.stack(inputs))
    base_log_odds = np.mean([base.backend.run(view)[0] for view in turned],
                            axis=0) / base.card.temperature
    own_median = np.median(base_log_odds)
    base_median, base_mad = base.card.healthy_log_odds
    factor = np.clip(base_mad / np.median(np.abs(base_log_odds - own_median)), *SCALE_RANGE)
    base_rank = (base_log_odds - own_median) * factor / base_mad  # its field standardized
    median, mad = adapted.card.healthy_log_odds
    own_rank = (adapted.predict(np.stack(inputs)).logits / adapted.card.temperature
                - median) / mad
    expected = median + mad * (own_rank + base_rank) / 2
    got = log_odds(np.array([r.probability for r in results]))
    inside = np.abs(expected) < 20  # probabilities within 1e-9 of 0 or 1 are kept there
    assert inside.sum() > 25
    assert got[inside] == pytest.approx(expected[inside], abs=1e-4)
    assert np.abs(got - log_odds(np.array([r.raw_probability for r in results]))).max() > 0.5
    offsets = (got - np.array([r.class_map.mean() for r in results]))[inside]
    assert np.ptp(offsets) < 1e-4  # one constant: the blended map's mean is the log-odds
    x, y, w, h = results[1].box
    single = write_rgb(tmp_path / "cell.png", image[y:y + h, x:x + w])
    (alone,) = screen([single], adapted, mode="cell")
    scores = adapted.predict(to_model_input(read_image(single), adapted.input_size)[None])
    assert alone.probability == pytest.approx(float(scores.probabilities[0]), abs=1e-6)
    np.testing.assert_allclose(alone.class_map, scores.class_maps[0], atol=1e-5)


def reseal(card: dict) -> None:
    card[ADAPTED]["seal"] = seal_of(card)


def shorten(values: list) -> None:
    values.pop()


@pytest.mark.parametrize(("edit", "sealed", "message"), [
    (lambda blend: blend.update(temperature=blend["temperature"] * 2), False,
     "changed after adaptation"),
    (lambda blend: blend.update(temperature=-1.0), True, r"blend\.temperature must be above 0"),
    (lambda blend: shorten(blend["head"]["weights"]), True,
     r"blend\.head\.weights holds 127 numbers, but the base gives 128 features"),
    (lambda blend: blend["healthy_log_odds"].update(mad=0.0), True,
     r"blend\.healthy_log_odds\.mad must be above 0"),
])
def test_a_tampered_blend_value_is_refused(blended, tmp_path, edit, sealed, message):
    """Edited by hand, the seal refuses it; sealed again, the value's own check does."""
    copy = shutil.copytree(blended, tmp_path / "lab-model")
    card = json.loads((copy / CARD_NAME).read_text(encoding="utf-8"))
    edit(card["blend"])
    if sealed:
        reseal(card)
    (copy / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        Classifier.open(copy)
