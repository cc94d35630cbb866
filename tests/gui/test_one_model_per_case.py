"""A case is called by one model: a case restored or reopened with cells of another model keeps
that model's name and rule, and images are not added to it with the model loaded now. Its Model
default is the threshold of its own model's card, or none while that card is not known."""

from __future__ import annotations

from dataclasses import replace

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule, Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.core.words import threshold_words
from malariascope.gui.app import start
from tests.core.test_register import counts_of
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.test_register_dialog import open_past, open_register
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


def _file(data_folder, folder, sample_id: str, model: tuple[str, str], rule: CallRule,
          signed: bool = False) -> None:
    """A case of 4 cells in the register that ``model`` (name, sha256) called at ``rule``:
    open (kept for later), or ``signed``."""
    classifier = Classifier.open()
    results = list(screen(make_cell_folder(folder, 4), classifier))
    case = Case(CaseFacts(sample_id), model=model[0], model_sha256=model[1], rule=rule,
                sources=(folder.name,))
    counts = counts_of(results, classifier)
    with Register(data_folder) as register:
        register.save(case, case.result(counts), cells=results)
        if signed:
            case.sign("Ann", counts)
            register.save(case)


def _open_from_register(make_window, qtbot, sample_id: str):
    """A started window (autosave on, the bundled model loaded) showing ``sample_id`` from
    File > Case register…"""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    return open_past(open_register(window, qtbot), qtbot, sample_id)


def test_model_default_of_a_register_case_of_another_model_is_not_the_loaded_cards(
        make_window, qtbot, data_folder, tmp_path):
    """Taken from the register to be finished, a case another model called at its card's
    0.42 had the loaded bundled card's threshold as its Model default: one click re-called
    its cells, and the button then greyed out as if that were the case's own default. The
    status bar named only the loaded model."""
    rule = replace(Classifier.open().rule, threshold=0.42)
    _file(data_folder, tmp_path / "slide", "S-OLD", (OLD_MODEL, OLD_SHA), rule)
    window = _open_from_register(make_window, qtbot, "S-OLD")
    assert window.past_case.shown is None and window.batch.facts.sample_id == "S-OLD"
    controls, facts = window.controls, window.batch.facts
    assert (facts.model, facts.rule.threshold) == (OLD_MODEL, 0.42)
    assert facts.default_threshold is None
    assert controls.threshold.isEnabled() and not controls.reset.isEnabled()
    assert "Not available" in controls.reset.toolTip() and OLD_MODEL in controls.reset.toolTip()
    label, loaded = window.status.model_label, window.controller.classifier.model_name
    assert label.text() == f"Model loaded: {loaded} (not this case's)"
    assert OLD_MODEL in label.toolTip()
    qtbot.waitUntil(lambda: label.width() >= label.sizeHint().width())  # read whole
    assert window.case_flow.new_case(ask=False)  # the case stays in the register, open
    assert label.text() == f"Model: {loaded}"
    assert window.batch.facts.default_threshold == window.controller.classifier.rule.threshold


def test_model_default_of_an_amended_case_of_another_model_is_not_the_loaded_cards(
        make_window, qtbot, data_folder, tmp_path):
    rule = replace(Classifier.open().rule, threshold=0.42)
    _file(data_folder, tmp_path / "slide", "S-OLD", (OLD_MODEL, OLD_SHA), rule, signed=True)
    window = _open_from_register(make_window, qtbot, "S-OLD")
    assert window.case.signed and not window.controls.reset.isEnabled()
    assert amend_case(window, qtbot, "a second reader reviewed the cells", "Ann")
    controls = window.controls
    assert controls.threshold.isEnabled() and not controls.reset.isEnabled()
    assert window.batch.facts.rule.threshold == 0.42
    assert "not this case's" in window.status.model_label.text()


def test_model_default_of_a_register_case_of_the_loaded_model_is_its_card_threshold(
        make_window, qtbot, data_folder, tmp_path):
    classifier = Classifier.open()
    _file(data_folder, tmp_path / "slide", "S-OWN", classifier.identity,
          classifier.rule.with_threshold(0.5))
    window = _open_from_register(make_window, qtbot, "S-OWN")
    controls, card = window.controls, classifier.rule.threshold
    assert window.batch.facts.rule.threshold == 0.5 and controls.reset.isEnabled()
    assert controls.reset.toolTip().startswith(
        f"Back to {threshold_words(card)}, the threshold of the card")
    controls.reset.click()
    assert window.batch.facts.rule.threshold == pytest.approx(card)
    assert not controls.reset.isEnabled()
    assert window.status.model_label.text() == f"Model: {classifier.model_name}"


#: The bundled model's sha256 as every earlier version recorded it: its ONNX file's.
EARLIER_BUNDLED_SHA = "4a50d307762f84d27ca97eb42afed4d22ef00a9415f0a724108919682a0732b8"


def test_a_case_the_bundled_model_called_in_an_earlier_version_is_still_its_own(
        make_window, qtbot, data_folder, tmp_path):
    """Adapted models are recorded by their card's sha256; the bundled model keeps its
    network's, so its old cases are not taken for another model's."""
    classifier = Classifier.open()
    _file(data_folder, tmp_path / "slide", "S-EARLIER",
          (classifier.model_name, EARLIER_BUNDLED_SHA), classifier.rule)
    window = _open_from_register(make_window, qtbot, "S-EARLIER")
    assert window.batch.facts.model_sha256 == EARLIER_BUNDLED_SHA == classifier.identity[1]
    assert window.status.model_label.text() == f"Model: {classifier.model_name}"
    assert window.batch.facts.other_model(classifier) == ""  # it takes more images


def test_a_restored_case_of_the_loaded_model_takes_its_cards_threshold_as_default(
        make_window, qtbot, data_folder, tmp_path):
    """Work left with another threshold as its default (a case taken from the register by a
    window with another model loaded) kept it after a restore, though the model that called
    the case was loaded and its card says otherwise."""
    classifier = Classifier.open()
    results = list(screen(make_cell_folder(tmp_path / "slide", 4), classifier))
    facts = BatchFacts.of(classifier, sample_id="S-9", default_threshold=0.9)
    with Register(data_folder) as register:
        CaseWork(register).save(Session(results, facts, [], case=Case(CaseFacts("S-9"))))
    window = make_window(start=False)
    window.autosave.resume()
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    with qtbot.waitSignal(window.controller.model_ready, timeout=WAIT_MS):
        window.start()
    facts = window.batch.facts
    assert facts.rule == classifier.rule and facts.default_threshold == classifier.rule.threshold
    assert not window.controls.reset.isEnabled()
