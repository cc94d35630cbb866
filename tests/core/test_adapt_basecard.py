"""An adapted card edited and sealed again is checked against its base network's card, and
its uncertain band against its threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from malariascope.core.adapt.loading import ADAPTED, seal_of
from malariascope.core.classifier import Classifier
from malariascope.core.errors import BaseModelMismatchError, ModelError
from malariascope.core.logodds import uncertain_band
from malariascope.core.modelcard import CARD_NAME, load_card
from malariascope.core.modelfiles import bundled_dir
from tests.command_line import cli
from tests.core.test_adapt_blend import hand_adapted
from tests.core.test_adapt_model import other_base

BASE_CARD = bundled_dir() / CARD_NAME


def resealed(folder: Path, edit) -> Path:
    """The adapted card in ``folder`` changed by ``edit`` and sealed again, as anyone can."""
    card = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    edit(card)
    card[ADAPTED]["seal"] = seal_of(card)
    (folder / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    return folder


COPIED_EDITS = [
    ("input_size", lambda card: card.update(input_size=32), "32", "64"),
    ("class_names", lambda card: card["class_names"].reverse(),
     "['parasitized', 'uninfected']", "['uninfected', 'parasitized']"),
    ("class_names", lambda card: card.update(class_names=["healthy", "infected"]),
     "['healthy', 'infected']", "['uninfected', 'parasitized']"),
    ("positive_class", lambda card: card.update(positive_class="uninfected"),
     "'uninfected'", "'parasitized'"),
]


def mismatch(folder: Path, what: str, base: Path = BASE_CARD) -> str:
    return (f"the adapted model card {folder / CARD_NAME} disagrees with its base model {base}: "
            f"{what}; adapt the base model again")


def assert_refused(folder: Path, expected: str, capsys, tmp_path: Path,
                   error: type[ModelError] = BaseModelMismatchError) -> None:
    """Loading the card and opening the model raise ``error`` saying ``expected``; classify
    prints it as its one line and exits 2, writing no report."""
    for load in (load_card, Classifier.open):
        with pytest.raises(error) as refused:
            load(folder)
        assert str(refused.value) == expected
    result = cli(capsys, "classify", tmp_path, "--model", folder, "--csv", tmp_path / "r.csv")
    assert (result.code, result.err) == (2, f"malariascope: error: {expected}\n")
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize(("key", "edit", "ours", "theirs"), COPIED_EDITS)
def test_a_resealed_card_unlike_its_base_in_what_it_copies_is_refused_on_loading(
        tmp_path, capsys, key, edit, ours, theirs):
    """The seal is no secret: a card whose input size or classes were edited and sealed again
    loaded (or was refused later, by the ONNX file's shapes, in the backend's words)."""
    folder = resealed(hand_adapted(tmp_path / "lab-model"), edit)
    assert_refused(folder, mismatch(folder, f"{key} is {ours}, the base's is {theirs}"), capsys,
                   tmp_path)


def test_an_intact_adapted_card_agrees_with_its_base(tmp_path):
    card = load_card(hand_adapted(tmp_path / "lab-model"))
    assert (card.input_size, card.class_names) == (load_card().input_size,
                                                   load_card().class_names)


@pytest.mark.parametrize("key", ["head", "blend.head"])
def test_a_resealed_head_short_of_the_base_features_is_refused_by_its_count(tmp_path, capsys,
                                                                             key):
    """A card's own head shortened and sealed again was refused as a blend error ("blend.head.
    weights must be 127 numbers, as the card's own head"), naming the one value not edited."""
    def shorten(card: dict) -> None:
        member = card["blend"]["head"] if key == "blend.head" else card["head"]
        member["weights"].pop()

    folder = resealed(hand_adapted(tmp_path / "lab-model"), shorten)
    assert_refused(folder, mismatch(folder, f"{key}.weights holds 127 numbers, but the base "
                                            "gives 128 features"), capsys, tmp_path)


def test_a_resealed_card_running_another_network_than_its_facts_name_is_refused(tmp_path,
                                                                                  capsys):
    """Its files.onnx moved to another base's ONNX file and sealed again, a card ran that
    network while its README and adapted.base_model named the bundled one."""
    other = other_base(tmp_path / "other-base")
    onnx = json.loads((other / CARD_NAME).read_text(encoding="utf-8"))["files"]["onnx"]
    folder = resealed(hand_adapted(tmp_path / "lab-model"),
                      lambda card: card["files"]["onnx"].update(onnx))
    named = load_card().sha256("onnx")
    assert_refused(folder, mismatch(
        folder, f"adapted.base_model.onnx_sha256 is '{named[:39]}..., the ONNX file it runs is "
                f"'{onnx['sha256'][:39]}...", other / CARD_NAME), capsys, tmp_path)


@pytest.mark.parametrize("band", [[0, 1], [0.0, 0.9]])
def test_a_resealed_band_its_threshold_does_not_give_is_refused(tmp_path, capsys, band):
    """A band widened to [0, 1] and sealed again loaded, and every cell was then uncertain."""
    folder = resealed(hand_adapted(tmp_path / "lab-model"),
                      lambda card: card.update(uncertain_band=band))
    threshold = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))["threshold"]
    low, high = uncertain_band(threshold)
    assert_refused(folder, f"model card {folder / CARD_NAME} is invalid: uncertain_band must be "
                           f"[{low:.4f}, {high:.4f}], the band its threshold {threshold:.4f} "
                           f"gives, got {[float(value) for value in band]}", capsys, tmp_path,
                   ModelError)


def test_a_resealed_band_off_by_float_noise_still_loads(tmp_path):
    folder = resealed(hand_adapted(tmp_path / "lab-model"), lambda card: card.update(
        uncertain_band=[value + 1e-9 for value in card["uncertain_band"]]))
    noisy = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))["uncertain_band"]
    assert load_card(folder).uncertain_band == tuple(noisy)


def adapted_version(card: dict) -> str:
    """The version adapting gives ``card`` without its fit's 8 hex digits."""
    facts = card[ADAPTED]
    return f"{facts['base_model']['version']}+{facts['date'].replace('-', '')}."


DERIVED_EDITS = [
    pytest.param(True, lambda card: card.update(name="malariascope-cnn"),
                 lambda card: "name is 'malariascope-cnn', adapting 'malariascope-cnn' gives "
                              "'malariascope-cnn-adapted'", id="name"),
    pytest.param(True, lambda card: card.update(version="0.1.0"),
                 lambda card: f"version is '0.1.0', adapting gives '{adapted_version(card)}' "
                              "and 8 hex digits", id="version"),
    pytest.param(True, lambda card: card.update(standardize_fields=True),
                 lambda card: "standardize_fields is true, adapting gives false beside a blend",
                 id="standardized-beside-a-blend"),
    pytest.param(False, lambda card: card.update(standardize_fields=False),
                 lambda card: "standardize_fields is false, adapting gives true without a "
                              "blend", id="not-standardized-without-a-blend"),
    pytest.param(True, lambda card: card.update(views=1),
                 lambda card: "views is 1, adapting gives 8", id="one-view"),
]


@pytest.mark.parametrize(("fields", "edit", "what"), DERIVED_EDITS)
def test_a_resealed_card_unlike_what_adapting_its_base_gives_is_refused(tmp_path, capsys,
                                                                        fields, edit, what):
    """The seal is no secret: a card named and versioned as the bundled model, its fields
    standardized or not against its blend, or scoring one view of each cell where adapting
    fits eight, loaded once sealed again, and reports recorded it so."""
    folder = resealed(hand_adapted(tmp_path / "lab-model", fields), edit)
    card = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    assert_refused(folder, mismatch(folder, what(card)), capsys, tmp_path)


@pytest.mark.parametrize("fields", [True, False])
def test_a_card_as_adapting_writes_it_loads(tmp_path, fields):
    card = load_card(hand_adapted(tmp_path / "lab-model", fields))
    assert (card.name, card.views, card.standardize_fields) == (
        "malariascope-cnn-adapted", 8, not fields)
    assert card.version.startswith(f"{load_card().version}+")
