"""The model card reads back as written: the bundled one, the recipe a card names in words,
the bundled card pinned by its hash, and text with a no-break space in it."""

from __future__ import annotations

import shutil
import sys

import pytest

from malariascope.cli import main
from malariascope.core.cardtext import card_markdown
from malariascope.core.errors import ModelError
from malariascope.core.modelcard import BUNDLED_CARD_SHA256, CARD_NAME, ModelCard, load_card
from malariascope.core.modelfiles import MODELS_ENV, sha256_of
from tests.core.cards import BUNDLED, bundled_card, changed, write_card
from tests.images import make_cell_folder


def test_the_bundled_card_reads_back_as_written():
    card = load_card()
    assert card.to_dict() == bundled_card()
    assert ModelCard.from_dict(card.to_dict()) == card
    assert card_markdown(card) == (BUNDLED / "README.md").read_text(encoding="utf-8")


RUN = {"seed": 1, "split_seed": None, "epochs_run": 15, "training_seconds": 1992.0}


def test_a_card_of_several_networks_reads_as_text_with_or_without_their_width():
    card = ModelCard.from_dict({**bundled_card(), **RUN, "members": 3})
    assert "seed 1, 3 networks side by side, 33.2 min" in card_markdown(card)
    card = ModelCard.from_dict({**bundled_card(), **RUN, "members": 3, "member_width": 0.5})
    assert "seed 1, 3 networks of width 0.5 side by side, 33.2 min" in card_markdown(card)


def test_a_card_names_its_split_seed_and_trimmed_share_and_writes_them_back():
    data = {**bundled_card(), **RUN, "split_seed": 7, "trim": 0.05}
    card = ModelCard.from_dict(data)
    assert (card.recipe.split_seed, card.recipe.trim) == (7, 0.05)
    assert card.to_dict() == data
    assert ("15 epochs, seed 1 (validation slides: seed 7), 5% of each batch's highest losses "
            "left out, 33.2 min on CPU") in card_markdown(card)


def test_a_card_names_its_share_of_overlapped_cells_and_writes_it_back():
    data = {**bundled_card(), **RUN, "overlap": 0.3}
    del data["split_seed"]
    card = ModelCard.from_dict(data)
    assert card.recipe.overlap == 0.3 and card.to_dict() == data
    assert ("15 epochs, seed 1, a healthy cell laid across 30% of the cells, 33.2 min on CPU"
            in card_markdown(card))


def test_a_card_names_its_streaks_and_synthetic_parasites_and_writes_them_back():
    data = {**bundled_card(), **RUN, "overlap": 0.3, "streaks": 0.2, "parasites": 0.3}
    del data["split_seed"]
    card = ModelCard.from_dict(data)
    assert (card.recipe.streaks, card.recipe.parasites) == (0.2, 0.3)
    assert card.to_dict() == data
    assert ("a healthy cell laid across 30% of the cells, a stained streak across 20%, "
            "synthetic parasites on 30% of the healthy cells, 33.2 min") in card_markdown(card)
    assert "synthetic" not in card_markdown(ModelCard.from_dict(bundled_card())), (
        "the default share is not worded")


def test_a_card_counts_the_cells_a_label_review_left_out_and_writes_them_back():
    data = {**bundled_card(), **RUN, "reviewed_out": 39}
    del data["split_seed"]  # a run without a split seed writes none
    card = ModelCard.from_dict(data)
    assert card.recipe.reviewed_out == 39 and card.to_dict() == data
    assert ("15 epochs, seed 1, 39 cells left out whose label a review contradicts, 33.2 min "
            "on CPU") in card_markdown(card)


def test_the_pin_is_the_bundled_cards_sha256():
    assert sha256_of(BUNDLED / CARD_NAME) == BUNDLED_CARD_SHA256, (
        "models/model-card.json changed: update BUNDLED_CARD_SHA256 in core/modelcard.py")


def test_a_bundled_card_changed_in_place_is_refused(tmp_path, monkeypatch, capsys):
    """Valid in itself, so only the pin tells it from the card the app ships: such a card may
    name other model files with their hashes."""
    shutil.copytree(BUNDLED, tmp_path / "models")  # an unpacked app bundle
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.delenv(MODELS_ENV, raising=False)
    assert load_card().path == tmp_path / "models" / CARD_NAME
    write_card(tmp_path / "models", changed(threshold=0.2))
    with pytest.raises(ModelError, match="the bundled model card .* was changed or damaged"):
        load_card()
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    assert main(["classify", str(cell), "--csv", str(tmp_path / "r.csv")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    shutil.copytree(tmp_path / "models", tmp_path / "lab")  # a lab's own model: not pinned
    assert load_card(tmp_path / "lab").threshold == 0.2


def test_card_text_with_a_no_break_space_loads(models):
    """A name pasted from a document, its space a no-break one, was refused as not on one
    line."""
    write_card(models, changed(name="Lab\u00a0model", version="1\u2009b"))
    assert load_card(models).name == "Lab\u00a0model"
