"""A case is called by one model: a case restored or reopened with cells of another model keeps
that model's name and rule, and images are not added to it with the model loaded now."""

from __future__ import annotations

from dataclasses import replace

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from tests.gui.helpers import answer_next_dialog, click, screen_and_wait, wait_for_box
from tests.images import make_cell_folder

WAIT_MS = 60_000
OLD_MODEL, OLD_SHA = "malariascope-cnn 0.9 (retired)", "ab" * 32


@pytest.fixture
def other_models_case(data_folder, tmp_path) -> int:
    """A crashed window's case of 4 cells called by a model that is not the bundled one;
    returns its cells."""
    classifier = Classifier.open()
    results = list(screen(make_cell_folder(tmp_path / "slide", 4), classifier))
    rule = replace(classifier.rule, threshold=0.42)
    facts = replace(BatchFacts.of(classifier, sample_id="S-OLD"), model=OLD_MODEL,
                    model_sha256=OLD_SHA, rule=rule, default_threshold=0.42)
    with Register(data_folder) as register:
        CaseWork(register).save(Session(results, facts, [], case=Case(CaseFacts("S-OLD"))))
    return len(results)


def test_a_restored_case_of_another_model_keeps_it_and_takes_no_more_images(
        make_window, qtbot, other_models_case, tmp_path):
    """Restored before the model had loaded, a case took the bundled model's name and
    threshold; images opened then were called by the bundled model under the case of the
    other one."""
    window = make_window(start=False)
    window.autosave.resume()
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    assert len(window.batch) == other_models_case
    with qtbot.waitSignal(window.controller.model_ready, timeout=WAIT_MS):
        window.start()
    facts = window.batch.facts
    assert (facts.model, facts.model_sha256) == (OLD_MODEL, OLD_SHA)
    assert facts.rule.threshold == facts.default_threshold == 0.42
    more = tmp_path / "more"
    make_cell_folder(more, 3)
    assert not window.open_paths([more])
    box = wait_for_box(qtbot, window, "Another model")
    assert OLD_MODEL in box.text() and "start a new case" in box.text()
    box.accept()
    controller, sources = window.controller, facts.sources
    controller.screen([more])  # the controller itself refuses too, and changes nothing
    qtbot.waitUntil(lambda: not controller.screening, timeout=WAIT_MS)
    assert len(window.batch) == other_models_case
    assert window.status.currentMessage().startswith("Not screened. The cells of this case")
    assert controller.complete and window.batch.facts.sources == sources
    assert str(more) not in controller.extent.inputs
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    assert window.case_flow.new_case()  # the new case is called by the model loaded now
    classifier = controller.classifier
    assert window.batch.facts.rule.threshold == classifier.rule.threshold
    window.controls.threshold.spin.setValue(0.45)  # set for this slide before its images
    screen_and_wait(window, qtbot, [more])
    assert (window.batch.facts.model, window.batch.facts.model_sha256) == classifier.identity
    assert window.batch.facts.rule.threshold == 0.45


def test_facts_of_cells_keep_a_known_model_and_take_the_loaded_one_otherwise():
    classifier = Classifier.open()
    rule, name, sha = classifier.rule, classifier.model_name, classifier.backend.model_sha256
    old = BatchFacts(OLD_MODEL, OLD_SHA, rule=replace(rule, threshold=0.42))
    assert old.for_model(name, sha, rule, holding_cells=True) == old
    assert old.for_model(name, sha, rule, holding_cells=False).model_sha256 == sha
    assert "start a new case" in old.other_model(classifier)
    adapted = replace(old, model="malariascope-cnn 0.1.0 adapted S-LAB (onnx)", model_sha256=sha)
    assert adapted.other_model(classifier)  # an adapted model runs the network it adapts
    unknown = replace(old, model="", model_sha256="")  # saved before models were named
    taken = unknown.for_model(name, sha, rule, holding_cells=True)
    assert taken.model_sha256 == sha and taken.rule.threshold == 0.42
    assert taken.other_model(classifier) == unknown.other_model(classifier) == ""
