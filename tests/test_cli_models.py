"""``--model``: which file runs, and what is refused, alike in every command that screens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from malariascope.core.modelcard import bundled_dir
from tests.command_line import cli
from tests.reports import read_summary

KERAS = bundled_dir() / "malariascope-cnn.keras"


def malariascope(*args: str | Path) -> subprocess.CompletedProcess:
    """The real program in a child process (TensorFlow stays out of the tests' process)."""
    return subprocess.run([sys.executable, "-m", "malariascope", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def labelled(tmp_path, real_cells) -> Path:
    """Two real cells of each class, in class folders."""
    for label, cells in real_cells.items():
        (tmp_path / "data" / label).mkdir(parents=True)
        for cell in cells[:2]:
            shutil.copy(cell, tmp_path / "data" / label)
    return tmp_path / "data"


def test_a_keras_file_named_runs_on_tensorflow_in_classify_as_in_evaluate(labelled, tmp_path):
    """`classify --model x.keras` ran the card's ONNX file while `evaluate --model x.keras`
    ran the .keras file on TensorFlow."""
    pytest.importorskip("tensorflow")
    out = tmp_path / "report.csv"
    screened = malariascope("classify", labelled, "--model", KERAS, "--csv", out)
    assert screened.returncode == 0, screened.stderr
    assert read_summary(tmp_path / "report_summary.csv")[0]["model"].endswith("(tensorflow)")
    scored = malariascope("evaluate", labelled, "--model", KERAS)
    assert scored.returncode == 0, scored.stderr
    assert "(tensorflow)" in scored.stdout


@pytest.mark.parametrize("command", ["classify", "evaluate", "evaluate-fields"])
def test_a_backend_that_would_run_another_file_than_the_one_named_is_refused(
        command, labelled, tmp_path):
    args = {"classify": ["--csv", tmp_path / "report.csv"],
            "evaluate-fields": ["--annotations", tmp_path / "none.json"]}.get(command, [])
    refused = malariascope(command, labelled, *args, "--model", KERAS, "--backend", "onnx")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (f"malariascope: error: {KERAS} runs on tensorflow, not on onnx, "
                              "which would run another file of its card: name tensorflow as "
                              "the backend, or give the card or its folder\n")
    assert not (tmp_path / "report.csv").exists()


@pytest.mark.parametrize("command", ["classify", "evaluate", "evaluate-fields"])
def test_a_plain_file_given_as_the_model_is_named_and_refused_for_what_it_is(
        command, labelled, tmp_path, capsys):
    """`--model /tmp/afile` was told "model card not found: /tmp/model-card.json", a file
    never given, and not why the one given was no model."""
    given = tmp_path / "afile"
    given.write_text("x", encoding="utf-8")
    (tmp_path / "none.json").write_text("[]", encoding="utf-8")
    args = {"classify": ["--csv", tmp_path / "report.csv"],
            "evaluate-fields": ["--annotations", tmp_path / "none.json"]}.get(command, [])
    refused = cli(capsys, command, labelled, *args, "--model", given)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (f"malariascope: error: {given} is neither a model card (.json) nor "
                           "a model file (.keras, .onnx): give one of those, or their folder\n")


def test_a_model_file_named_in_capitals_runs_as_its_suffix_says(labelled, tmp_path, capsys):
    """`--model MODEL.KERAS` ran the card's ONNX file: the suffix was matched as written,
    while a file named so was taken for a model."""
    folder = tmp_path / "model"
    shutil.copytree(bundled_dir(), folder)
    card = folder / "model-card.json"
    card.write_text(card.read_text(encoding="utf-8").replace(
        '"malariascope-cnn.keras"', '"MODEL.KERAS"'), encoding="utf-8")
    keras = (folder / "malariascope-cnn.keras").rename(folder / "MODEL.KERAS")
    refused = cli(capsys, "classify", labelled, "--csv", tmp_path / "report.csv",
                  "--model", keras, "--backend", "onnx")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.startswith(f"malariascope: error: {keras} runs on tensorflow, not on "
                                  "onnx")
    assert not (tmp_path / "report.csv").exists()


def test_a_card_named_in_capitals_is_taken_as_a_card(real_cells, tmp_path, capsys):
    """`--model X.JSON` was taken for a model file beside a card named model-card.json,
    while `--model x.json` was read as the card it is."""
    folder = tmp_path / "model"
    shutil.copytree(bundled_dir(), folder)
    card = (folder / "model-card.json").rename(folder / "X.JSON")
    report = tmp_path / "report.csv"
    screened = cli(capsys, "classify", real_cells["parasitized"][0], "--csv", report,
                   "--model", card)
    assert screened.code == 0, screened.err
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    assert batch["classified"] == "1" and batch["model"].endswith("(onnx)")
