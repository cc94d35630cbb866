"""Choosing a model in the window: an empty new case shows it and its card's threshold, and
the last model chosen wins whatever order the models load in."""

from __future__ import annotations

import json
import shutil
import threading

import pytest
from PySide6.QtWidgets import QFileDialog

from malariascope.core.modelfiles import bundled_dir
from malariascope.gui import settings
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, screen_and_wait, wait_for_box
from tests.images import make_cell_folder


def _lab_model(folder, name: str, threshold: float | None = None):
    """A copy of the bundled model under its own card name (and ``threshold``, if given): a
    lab's model folder."""
    shutil.copytree(bundled_dir(), folder)
    card_path = folder / "model-card.json"
    card = json.loads(card_path.read_text())
    card["name"] = name
    card["threshold"] = threshold or card["threshold"]
    card_path.write_text(json.dumps(card))
    return folder


def _shows_model(window, name: str, threshold: float) -> bool:
    """True when the case on show names ``name`` and has ``threshold``, its card's, as its
    threshold and Model default."""
    facts = window.batch.facts
    return (name in facts.model and facts.rule.threshold == facts.default_threshold == threshold
            and window.controls.threshold.spin.value() == pytest.approx(threshold, abs=1e-3))


def test_an_empty_new_case_shows_the_model_chosen_for_it_and_its_threshold(window, qtbot,
                                                                            tmp_path):
    """A model chosen while a case held cells screens from the next case on; the new, empty
    case showed the previous model's name and threshold until its first images."""
    lab = _lab_model(tmp_path / "lab", "lab-model", threshold=0.3)
    bundled = window.controller.classifier.rule.threshold
    screen_and_wait(window, qtbot, make_cell_folder(tmp_path / "one", 3))
    window.models.use(lab)  # from the next case on: the case on show keeps its model
    assert _shows_model(window, "malariascope-cnn", bundled)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        assert window.case_flow.new_case(ask=False)
        assert not window.batch.facts.model and not window.controls.threshold.isEnabled()
    assert _shows_model(window, "lab-model", 0.3)
    assert window.status.model_label.text().startswith("Model: lab-model")
    screen_and_wait(window, qtbot, make_cell_folder(tmp_path / "two", 3))
    assert _shows_model(window, "lab-model", 0.3)
    window.models.bundled_action.trigger()
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        assert window.case_flow.new_case(ask=False)
    assert _shows_model(window, "malariascope-cnn", bundled)
    assert "lab-model" not in window.batch.facts.model


def test_the_last_model_chosen_wins_when_an_earlier_choice_loads_last(window, qtbot, tmp_path,
                                                                       monkeypatch):
    """Two models chosen in a row loaded side by side; the first, loading last, became the
    model in use while the settings, and the next case, named the second."""
    import malariascope.gui.model_loading as loading_module

    first = _lab_model(tmp_path / "first", "lab-first")
    second = _lab_model(tmp_path / "second", "lab-second")
    second_loaded = threading.Event()
    load = loading_module.load_classifier

    def load_in_order(model=None):
        if model == first:  # the first choice is the slower to load
            assert second_loaded.wait(MODEL_TIMEOUT_MS / 1000)
        classifier = load(model)
        if model == second:
            second_loaded.set()
        return classifier

    monkeypatch.setattr(loading_module, "load_classifier", load_in_order)
    controller = window.controller
    readied: list[str] = []
    controller.model_ready.connect(readied.append)
    window.models.use(first)
    window.models.use(second)
    qtbot.waitUntil(lambda: len(controller.workers) == 0, timeout=2 * MODEL_TIMEOUT_MS)
    assert len(readied) == 1 and "lab-second" in readied[0]  # the first one's is dropped
    assert "lab-second" in controller.classifier.model_name
    assert "lab-second" in window.batch.facts.model
    assert "lab-second" in window.statusBar().model_label.text()
    assert settings.chosen_model() == second.resolve()


def test_a_broken_model_folder_is_refused_when_chosen_and_nothing_is_remembered(
        window, qtbot, tmp_path, monkeypatch):
    """A folder whose card put the threshold outside its band was taken silently, saved to
    the settings, and refused only at the next case and at every later start."""
    broken = _lab_model(tmp_path / "broken", "lab-broken", threshold=0.5)
    screen_and_wait(window, qtbot, make_cell_folder(tmp_path / "cells", 3))
    classifier = window.controller.classifier
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_, **__: str(broken))
    window.models.folder_action.trigger()
    box = wait_for_box(qtbot, window, "Model folder refused")
    assert str(broken) in box.text() and "threshold 0.5 lies outside uncertain_band" in box.text()
    click(box, "OK")
    assert settings.chosen_model() is None and window.controller.classifier is classifier
    assert window.case_flow.new_case(ask=False)
    assert window.controller.classifier is classifier and not window.controller.model_error
    lab = _lab_model(tmp_path / "lab", "lab-model")  # a sound folder is still taken
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_, **__: str(lab))
    with qtbot.waitSignal(window.controller.model_ready, timeout=2 * MODEL_TIMEOUT_MS):
        window.models.folder_action.trigger()
    assert settings.chosen_model() == lab.resolve()
