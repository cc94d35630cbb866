"""A missing, truncated or tampered model: a clear dialog, a working window, no screening."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from malariascope.core.modelcard import CARD_NAME, load_card
from malariascope.core.modelfiles import MODELS_ENV
from malariascope.gui.app import start
from tests.gui.helpers import click, wait_for_box
from tests.images import make_cell_folder


def _tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 16] = bytes(b ^ 0xFF for b in data[middle:middle + 16])
    path.write_bytes(bytes(data))  # same size, other bytes


DAMAGE = {  # what happened to the installed model -> words the message must contain
    "missing": (lambda onnx: onnx.unlink(), "model file missing"),
    "truncated": (lambda onnx: onnx.write_bytes(onnx.read_bytes()[:4096]),
                  "does not match its card"),
    "tampered": (_tamper, "does not match its card"),
    "no card": (lambda onnx: (onnx.parent / CARD_NAME).unlink(), "model card not found"),
}


@pytest.fixture
def broken_models(tmp_path, monkeypatch, request) -> str:
    """A copy of the bundled model folder, damaged as ``request.param`` says, put in use."""
    card = load_card()
    folder = tmp_path / "models"
    folder.mkdir()
    onnx = folder / card.files["onnx"].name
    shutil.copy(card.path, folder / CARD_NAME)
    shutil.copy(card.path.parent / onnx.name, onnx)
    spoil, words = DAMAGE[request.param]
    spoil(onnx)
    monkeypatch.setenv(MODELS_ENV, str(folder))
    return words


@pytest.mark.parametrize("broken_models", DAMAGE, indirect=True)
def test_a_broken_model_is_explained_and_screening_is_refused(make_window, qtbot, tmp_path,
                                                              broken_models):
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_failed, timeout=60_000):
        start(window)  # as the app starts: model, then the autosave check
    box = wait_for_box(qtbot, window, "Model not loaded")
    assert broken_models in box.text() and "Traceback" not in box.text()
    assert "until MalariaScope is reinstalled" in box.text()
    box.close()
    assert window.isVisible() and window.status.model_label.text() == "No model"
    make_cell_folder(tmp_path / "cells", 3)
    assert not window.open_paths([tmp_path / "cells"])
    refused = wait_for_box(qtbot, window, "Cannot screen")
    assert broken_models in refused.text()
    refused.close()
    assert len(window.batch) == 0 and not window.controller.screening


@pytest.mark.parametrize("broken_models", ["tampered"], indirect=True)
def test_old_work_is_restored_reviewed_and_exported_without_a_model(
        make_window, qtbot, tmp_path, left_session, broken_models):
    window = make_window(start=False)
    start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    wait_for_box(qtbot, window, "Model not loaded").close()
    assert len(window.batch) == window.proxy.rowCount() == len(left_session.results)
    assert window.batch.facts.rule == left_session.facts.rule
    assert window.summary.text("reviewed") == "2 / 14"
    window.table.select_source_row(10)
    window.review_current("uninfected")
    assert window.summary.text("reviewed") == "3 / 14"
    assert not window.open_paths([tmp_path / "left"])  # screening again is refused...
    wait_for_box(qtbot, window, "Cannot screen").close()
    assert window.batch.counts.reviewed == 3  # ...and the batch on show stays
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(tmp_path / "report.csv")
    with open(tmp_path / "report.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 18 and sum(bool(row["review"]) for row in rows) == 3
    assert {row["model_sha256"] for row in rows} == {left_session.facts.model_sha256}
