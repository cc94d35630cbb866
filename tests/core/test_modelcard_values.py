"""Every value of a model card is checked, and a card must fit its model: each refusal is one
line, and exit 2 from the CLI."""

from __future__ import annotations

import json
import math

import pytest

from malariascope.cli import main
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ModelError
from malariascope.core.modelcard import CARD_NAME, load_card
from tests.core.cards import bundled_card, changed, write_card
from tests.images import make_cell_folder

WRONG_VALUES = {  # name -> (card, words of the one-line refusal)
    "threshold NaN": (changed(threshold=math.nan), "threshold must be a finite number"),
    "threshold 2": (changed(threshold=2.0), "threshold must be between 0 and 1, got 2.0"),
    "threshold 0": (changed(threshold=0), "threshold must be between 0 and 1"),
    "threshold text": (changed(threshold="0.5"), "threshold must be a finite number, got '0.5'"),
    "threshold true": (changed(threshold=True), "threshold must be a finite number"),
    "threshold null": (changed(threshold=None), "lacks threshold"),
    "temperature 0": (changed(temperature=0), "temperature must be above 0"),
    "classes swapped": (changed(class_names=["parasitized", "uninfected"]),
                        "class_names must be ['uninfected', 'parasitized'], got "
                        "['parasitized', 'uninfected']"),
    "positive class unknown": (changed(positive_class="nope"),
                               "positive_class must be 'parasitized', got 'nope'"),
    "learning rate 0": (changed(learning_rate=0), "learning_rate must be above 0, got 0"),
    "trim 0.8": (changed(trim=0.8), "trim must be from 0 to 0.5, got 0.8"),
    "trim text": (changed(trim="5%"), "trim must be a finite number"),
    "overlap 1.5": (changed(overlap=1.5), "overlap must be from 0 to 1, got 1.5"),
    "reviewed out -1": (changed(reviewed_out=-1),
                        "reviewed_out must be a whole number of at least 0, got -1"),
    "temperature -1": (changed(temperature=-1), "temperature must be above 0"),
    "temperature huge": (changed(temperature=10**400), "temperature must be a finite number"),
    "input size 4": (changed(input_size=4), "input_size must be from 8 to 512 pixels"),
    "input size 10^6": (changed(input_size=10**6), "input_size must be from 8 to 512 pixels"),
    "input size 64.0": (changed(input_size=64.0), "input_size must be a whole number"),
    "band reversed": (changed(uncertain_band=[0.38, 0.07]), "uncertain_band must be [low, "
                      "high] with 0 <= low <= high <= 1, got [0.38, 0.07]"),
    "band beside": (changed(uncertain_band=[0.3, 0.4]), "threshold 0.187 lies outside "
                    "uncertain_band [0.3, 0.4]: the band must hold the threshold"),
    "band beyond 1": (changed(uncertain_band=[0.1, 1.5]), "0 <= low <= high <= 1, got [0.1, 1.5]"),
    "band of 3": (changed(uncertain_band=[0.1, 0.2, 0.3]), "a list of 2 numbers"),
    "field threshold below": (changed(field_threshold=0.1), "field_threshold must be from the"),
    "field threshold 1.5": (changed(field_threshold=1.5), "field_threshold must be from the"),
    "healthy MAD 0": (changed(healthy_log_odds__mad=0), "healthy_log_odds.mad must be above 0"),
    "healthy median text": (changed(healthy_log_odds__median="x"),
                            "healthy_log_odds.median must be a finite number"),
    "healthy a list": (changed(healthy_log_odds=[1, 2]),
                       "healthy_log_odds must be a JSON object, got [1, 2]"),
    "head weights empty": (changed(head__weights=[]), "head.weights must be a list of numbers"),
    "head weight NaN": (changed(head__weights=[math.nan] * 128), "head.weights must be a list"),
    "head a string": (changed(head="weights"), "head must be a JSON object, got 'weights'"),
    "file up a folder": (changed(files__onnx__name="../malariascope-cnn.onnx"),
                         "files.onnx.name must be a file name in the card's folder"),
    "file absolute": (changed(files__onnx__name="/etc/passwd"), "files.onnx.name must be a"),
    "file on a drive": (changed(files__onnx__name="C:model.onnx"), "files.onnx.name must be"),
    "short sha256": (changed(files__onnx__sha256="4a50d307"), "must be 64 hex digits"),
    "manifest up a folder": (changed(split_manifest={"file": "../split.csv", "sha256": "0" * 64}),
                             "split_manifest.name must be a file name in the card's folder"),
    "manifest sha256 short": (changed(split_manifest={"file": "split.csv", "sha256": "0"}),
                              "split_manifest.sha256 must be 64 hex digits"),
    "no files": (changed(files={}), "files must be one model file or more"),
    "views 4": (changed(views=4), "views must be one of (1, 8), got 4"),
    "metrics n text": (changed(test_metrics__n="2600"), "test_metrics.n must be a whole number"),
    "trained_on text": (changed(trained_on__test="many"), "trained_on.test must be a whole"),
    "name on two lines": (changed(name="lab\nmodel"), "name must be text on one line"),
    "name with a line separator": (changed(name="lab\u2028model"), "name must be text on one"),
    "version with an escape": (changed(version="1\x1b[2J"), "version must be text on one line"),
    "no name": ({k: v for k, v in bundled_card().items() if k != "name"}, "lacks name"),
    "no head": ({k: v for k, v in bundled_card().items() if k != "head"}, "lacks head"),
    "a list": ([bundled_card()], "the card must be a JSON object, got a list of 1"),
    "a number": (3, "the card must be a JSON object, got 3"),
}


@pytest.mark.parametrize("name", WRONG_VALUES)
def test_every_card_value_is_checked_with_one_clear_error(models, name):
    card, words = WRONG_VALUES[name]
    path = write_card(models, card)
    with pytest.raises(ModelError) as refused:
        load_card(models)
    message = str(refused.value)
    assert message.startswith(f"model card {path} ") and words in message
    assert "\n" not in message


def test_a_malformed_card_is_one_line_and_exit_2_from_the_cli(models, tmp_path, capsys):
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    out = tmp_path / "r.csv"
    for card in ('{"name": ', "[" * 100_000 + "]" * 100_000, "\ufeff{}", '{"name": "x"}',
                 json.dumps(changed(threshold=[0.5]))):
        (models / CARD_NAME).write_text(card, encoding="utf-8")
        code = main(["classify", str(cell), "--csv", str(out), "--model", str(models)])
        error = capsys.readouterr().err
        assert code == 2 and error.startswith("malariascope: error: model card ")
        assert error.count("\n") == 1 and not out.exists()


def test_a_card_must_fit_its_model(models):
    """The head must have one weight per feature of the model, the input its side."""
    write_card(models, changed(head__weights=[0.1] * 127))
    with pytest.raises(ModelError, match="gives 128 features, but its card's head has 127"):
        Classifier.open(models)
    write_card(models, changed(input_size=32))
    with pytest.raises(ModelError, match="takes 64 px inputs, but its card says 32"):
        Classifier.open(models)


def test_a_card_read_by_the_cli_from_a_model_beside_it_is_checked_too(models, tmp_path, capsys):
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    write_card(models, changed(temperature=-1))
    code = main(["classify", str(cell), "--csv", str(tmp_path / "r.csv"),
                 "--model", str(models / "malariascope-cnn.onnx")])
    assert code == 2
    assert capsys.readouterr().err == (f"malariascope: error: model card {models / CARD_NAME} is "
                                       "invalid: temperature must be above 0, got -1.0\n")


def test_a_threshold_outside_its_valid_band_is_named_not_the_band(models, tmp_path, capsys):
    """A threshold of 0.5 beside the bundled band was refused as "uncertain_band must be
    [low, high] around the threshold, got a list of 2", as if the band were malformed."""
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    card = bundled_card()
    path = write_card(models, {**card, "threshold": 0.5})
    low, high = card["uncertain_band"]
    words = (f"model card {path} is invalid: threshold 0.5 lies outside uncertain_band "
             f"[{low:.3g}, {high:.3g}]: the band must hold the threshold")
    with pytest.raises(ModelError) as refused:
        load_card(models)
    assert str(refused.value) == words
    code = main(["classify", str(cell), "--csv", str(tmp_path / "r.csv"), "--model", str(models)])
    assert code == 2 and capsys.readouterr().err == f"malariascope: error: {words}\n"
