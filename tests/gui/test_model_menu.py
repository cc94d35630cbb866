"""The Model menu: adapt to a lab's cells in the window, switch to the adapted model and back;
the warning when a batch looks unlike the model's cells."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton

from malariascope.core.adapt.fit import STRENGTHS
from malariascope.core.modelcard import load_card
from malariascope.gui import settings
from malariascope.gui.adapt_dialog import AdaptDialog
from malariascope.gui.adapt_progress import AdaptationCancelled, AdaptProgress
from malariascope.gui.model_menu import adapt_and_write
from tests.command_line import cli
from tests.conftest import SHARED_DATA
from tests.core.test_adapt_model import SLIDES, write_lab
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, screen_and_wait, wait_for_box
from tests.reports import read_summary

FIELDS = SHARED_DATA / "fields"


def test_adapting_in_the_window_switches_the_model_and_returns(window, qtbot, tmp_path,
                                                                answer_questions):
    """Switched to, the adapted model called the cells at the bundled model's threshold."""
    cells = write_lab(tmp_path / "cells")
    bundled_rule = window.batch.facts.rule
    answer_questions(QMessageBox.StandardButton.Yes)
    out = tmp_path / "lab-model"
    with qtbot.waitSignal(window.controller.model_ready, timeout=5 * MODEL_TIMEOUT_MS) as ready:
        window.models.adapt([cells], None, out)
    assert "adapted" in ready.args[0]
    assert load_card(out).adapted is not None
    adapted_rule = window.controller.classifier.rule  # its card's, not the bundled model's
    assert window.batch.facts.rule == adapted_rule != bundled_rule
    assert settings.chosen_model() == out.resolve()
    assert "adapted" in window.statusBar().model_label.text()
    screen_and_wait(window, qtbot, [cells / "uninfected" / "S0"])
    assert "adapted" in window.batch.facts.model
    # the case on show keeps its model; the next case is screened by the bundled one
    window.models.bundled_action.trigger()
    assert settings.chosen_model() is None
    assert "adapted" in window.batch.facts.model
    assert window.case_flow.new_case(ask=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS) as ready:
        screen_and_wait(window, qtbot, [cells / "uninfected" / "S1"])
    assert "adapted" not in ready.args[0] and "adapted" not in window.batch.facts.model
    assert window.batch.facts.rule == bundled_rule


def _watch_progress(window) -> list[tuple]:
    """Each move of the adaptation's progress as the window shows it: (stage, done, total,
    the dialog's words, its maximum, its value)."""
    progress = window.findChildren(AdaptProgress)[-1]
    seen: list[tuple] = []
    bar = progress.bar
    progress.moved.connect(lambda *move: seen.append(
        (*move, bar.labelText(), bar.maximum(), bar.value())))
    return seen


def test_adapting_shows_its_steps_of_all_at_once_and_its_results_in_plain_words(
        window, qtbot, tmp_path, answer_questions):
    """Once the cells were read, nothing moved until the first of ten held-out folds was
    done, then the bar counted folds only; the results spoke of 'AUC' and '10 folds'."""
    cells = write_lab(tmp_path / "cells")
    asked = answer_questions(QMessageBox.StandardButton.No)
    window.models.adapt([cells], None, tmp_path / "lab-model")
    seen = _watch_progress(window)
    qtbot.waitUntil(lambda: bool(asked), timeout=5 * MODEL_TIMEOUT_MS)
    reading = [move for move in seen if move[0] == "reading"]
    steps, writing = seen[len(reading):-1], seen[-1]
    assert writing[0] == "writing" and writing[3].startswith("Writing the adapted model…")
    assert reading and all(move[4] == 0 for move in reading)  # cells counted, total unknown
    total = (SLIDES + 1) * len(STRENGTHS)  # each strength tried, in each fold and on all
    assert [move[1] for move in steps] == list(range(total + 1))
    assert all(move[2] == move[4] == total and move[5] == move[1] for move in steps)
    assert f"step 0 of {total}" in steps[0][3] and "held out in turn" in steps[0][3]
    assert "minute" in steps[-1][3]  # the time left, from the pace so far
    assert [move[0] for move in steps[-len(STRENGTHS):]] == ["fitting"] * len(STRENGTHS)
    words = asked[0]
    assert "Ranking of cells (AUC)" in words and "1 ranks every cell right" in words
    assert f"split into {SLIDES} parts, and each was held out in turn" in words
    assert "fold" not in words and "Parasitized cells flagged (sensitivity)" in words


def _readme_words(folder) -> list[str]:
    """The words of an adapted model's README from what it was fitted on to its sources, the
    Markdown table's marks set aside."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    held = text.split("\n## Held out\n", 1)[1].split("\n## Sources\n", 1)[0]
    return [word for word in held.replace("|", " ").split() if word.strip("-:")]


def test_the_window_the_command_line_and_the_readme_word_an_adaptation_alike(
        window, qtbot, tmp_path, answer_questions, capsys):
    """The command line said 'AUC' and '4 folds' where the window's results box said
    'Ranking of cells (AUC)' and 'split into 4 parts, and each was held out in turn'; the
    model's README said 'AUC', '4 folds' and gave four decimals."""
    cells = write_lab(tmp_path / "cells")
    asked = answer_questions(QMessageBox.StandardButton.No)
    window.models.adapt([cells], None, tmp_path / "window-model")
    qtbot.waitUntil(lambda: bool(asked), timeout=5 * MODEL_TIMEOUT_MS)
    shown = QTextDocument()
    shown.setHtml(asked[0].split("<p>The adapted model is in")[0])
    result = cli(capsys, "adapt", cells, "--out", tmp_path / "cli-model")
    assert result.code == 0, result.err
    printed = result.out.rsplit("\nwrote ", 1)[0]
    assert "Ranking of cells (AUC)" in printed
    assert printed.split() == shown.toPlainText().split()  # the same words, laid out apart
    assert _readme_words(tmp_path / "window-model") == printed.split()
    assert _readme_words(tmp_path / "cli-model") == printed.split()


def test_cancel_stops_the_adaptation_between_steps_and_writes_nothing(window, qtbot,
                                                                      tmp_path):
    cells = write_lab(tmp_path / "cells")
    window.models.adapt([cells], None, tmp_path / "lab-model")
    seen = _watch_progress(window)
    qtbot.waitUntil(lambda: any(move[0] == "measuring" and move[1] > 0 for move in seen),
                    timeout=5 * MODEL_TIMEOUT_MS)
    progress = window.findChildren(AdaptProgress)[-1]
    click_cancel = next(button for button in progress.bar.findChildren(QPushButton)
                        if button.text() == "Cancel")
    click_cancel.click()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Adaptation cancelled; no model written", timeout=MODEL_TIMEOUT_MS)
    assert seen[-1][1] < seen[-1][2]  # stopped before the last step
    assert not (tmp_path / "lab-model").exists()
    assert settings.chosen_model() is None


def test_cancel_is_disabled_and_refused_once_the_model_is_being_written(
        window, qtbot, tmp_path, answer_questions):
    """While the model was written, Cancel stayed enabled: pressed, it closed the dialog and
    the model was written anyway, the technician told nothing of the refused Cancel."""
    cells, model = write_lab(tmp_path / "cells"), tmp_path / "lab-model"
    asked = answer_questions(QMessageBox.StandardButton.No)
    window.models.adapt([cells], None, model)
    progress = window.findChildren(AdaptProgress)[-1]
    bar = progress.bar
    cancel = next(button for button in bar.findChildren(QPushButton)
                  if button.text() == "Cancel")
    at_writing: list[tuple] = []

    def press_cancel(stage: str, *_: int) -> None:
        if stage == "writing":  # the dialog shows it; the worker is writing the model
            enabled = cancel.isEnabled()
            cancel.click()
            QTest.keyClick(bar, Qt.Key.Key_Escape)
            bar.close()  # its title-bar close button, or Alt+F4
            at_writing.append((enabled, bar.labelText(), bar.isVisible(), bar.wasCanceled()))

    progress.moved.connect(press_cancel)
    qtbot.waitUntil(lambda: bool(asked), timeout=5 * MODEL_TIMEOUT_MS)
    [(enabled, words, visible, cancelled)] = at_writing
    assert not enabled and "can no longer be cancelled" in words
    assert visible and not cancelled
    assert load_card(model).adapted is not None and "Adapted from" in asked[0]
    assert window.statusBar().currentMessage() != "Adaptation cancelled; no model written"


def test_a_cancel_pressed_as_the_last_step_shows_writes_no_model(tmp_path):
    """The head was fitted and the model written after the last step was shown, with no
    look at Cancel: pressed then, it was never seen."""
    cells, model = write_lab(tmp_path / "cells"), tmp_path / "lab-model"

    def progress(stage: str, done: int, total: int) -> None:
        if cancelled:
            raise AdaptationCancelled
        if stage == "fitting" and done == total:
            cancelled.append(True)  # pressed as the last step shows

    cancelled: list[bool] = []
    with pytest.raises(AdaptationCancelled):
        adapt_and_write([cells], [], None, model, None, progress)
    assert cancelled and not model.exists()


def test_too_few_cells_are_refused_with_the_reason_and_no_model(window, qtbot, tmp_path):
    cells = write_lab(tmp_path / "cells")
    for extra in sorted((cells / "parasitized").rglob("*.png"))[20:]:
        extra.unlink()
    window.models.adapt([cells], None, tmp_path / "lab-model")
    box = wait_for_box(qtbot, window, "Adaptation refused", timeout=MODEL_TIMEOUT_MS)
    assert box.text().endswith("adapting needs at least 25 of each class.")
    assert not (tmp_path / "lab-model").exists()
    assert settings.chosen_model() is None
    # once the refusal is read, the form opens again holding what was given, for more cells
    # to be added: a refusal closed it and the list was lost, and then the form hid the
    # refusal behind it
    assert not [dialog for dialog in window.findChildren(AdaptDialog) if dialog.isVisible()]
    box.close()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(AdaptDialog)))
    again = next(dialog for dialog in window.findChildren(AdaptDialog) if dialog.isVisible())
    assert again.sources() == [cells] and again.model_folder() == tmp_path / "lab-model"
    again.reject()


def test_a_chosen_model_whose_card_was_edited_is_refused_and_the_bundled_one_returns(
        make_window, qtbot, tmp_path, answer_questions):
    cells = write_lab(tmp_path / "cells")
    first = make_window()
    answer_questions(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(first.controller.model_ready, timeout=5 * MODEL_TIMEOUT_MS):
        first.models.adapt([cells], None, tmp_path / "lab-model")
    card_path = tmp_path / "lab-model" / "model-card.json"
    card = json.loads(card_path.read_text())
    card["threshold"] = 0.01  # calls nearly every cell parasitized
    card_path.write_text(json.dumps(card))
    second = make_window(start=False)
    with qtbot.waitSignal(second.controller.model_failed, timeout=MODEL_TIMEOUT_MS) as failed:
        second.start()
    assert "lab-model" in failed.args[0] or "card" in failed.args[0]
    box = wait_for_box(qtbot, second, "Model not loaded")  # not "reinstall": choose another
    assert "Choose Model > Use the bundled model" in box.text() and "reinstall" not in box.text()
    click(box, "OK")
    with qtbot.waitSignal(second.controller.model_ready, timeout=MODEL_TIMEOUT_MS) as ready:
        second.models.bundled_action.trigger()
    assert "adapted" not in ready.args[0]


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_fields_of_another_lab_are_flagged_unlike_and_nih_cells_are_not(window, qtbot, tmp_path,
                                                                         real_cells):
    label = window.statusBar().unlike_label
    fields = tmp_path / "fields"
    fields.mkdir()
    for name in ("PA171693.JPG", "PA171702.JPG", "PA171703.JPG"):
        shutil.copy(FIELDS / name, fields / name)
    screen_and_wait(window, qtbot, [fields])
    assert not label.isHidden()
    assert "unlike" in label.text() and "adapt" in label.toolTip()
    with qtbot.waitSignal(window.controller.export_finished, timeout=MODEL_TIMEOUT_MS):
        window.export_to(tmp_path / "report.csv")
    summary, _ = read_summary(tmp_path / "report_summary.csv")
    assert summary["looks_unlike"] == "true" and float(summary["healthy_shift_mad"]) > 2
    assert window.case_flow.new_case(ask=False)
    screen_and_wait(window, qtbot, real_cells["parasitized"][:6] + real_cells["uninfected"][:6])
    assert label.isHidden()
