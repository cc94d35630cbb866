"""Reviewing in the real window with the real model: keys review and move, export offers the
uncertain cells first, the threshold re-labels live and hands the keys back to the list."""

from __future__ import annotations

import statistics

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from malariascope.core.report import COLUMNS, summary_path
from malariascope.gui.results_table import CALL, PROB, REVIEW
from tests.gui.case_steps import _sign
from tests.gui.helpers import (
    UNREVIEWED,
    _column,
    _current_row,
    _first_ok,
    _read,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
    with_healthy_cells_uncertain,
)


def test_keys_review_and_move_then_export_has_reviews(window, qtbot, mixed_folder, tmp_path):
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch, table = window.batch, window.table
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    table.setFocus()
    assert _current_row(window) == 0  # the first row is selected as results arrive
    assert not batch.results[0].ok  # broken/ sorts first: an error row cannot be reviewed
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert batch.review(0) == "" and _current_row(window) == 0
    first = _first_ok(batch)
    table.select_source_row(first)
    a, b, c, d = range(first, first + 4)
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert batch.final_call(a) == "uninfected" and _current_row(window) == b
    qtbot.keyClick(table, Qt.Key.Key_P)
    assert batch.final_call(b) == "parasitized" and _current_row(window) == c
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert batch.review(c) == "confirmed" and _current_row(window) == d
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert _current_row(window) == d + 1
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    assert _current_row(window) > d + 1
    qtbot.keyClick(table, Qt.Key.Key_PageUp)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert _current_row(window) == d
    overridden = "uninfected" if batch.call(d) == "parasitized" else "parasitized"
    qtbot.keyClick(table, Qt.Key.Key_U if overridden == "uninfected" else Qt.Key.Key_P)
    assert batch.review(d) == "overridden"
    assert window.proxy.index(d, REVIEW).data() == "✎ overridden"
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_Backspace)  # undo a slip: the review goes, the cell stays
    assert batch.review(d) == "" and _current_row(window) == d
    qtbot.keyClick(table, Qt.Key.Key_U if overridden == "uninfected" else Qt.Key.Key_P)
    assert batch.review(d) == "overridden" and _current_row(window) == d + 1
    assert window.summary.text("reviewed").startswith("4 /")
    assert window.isWindowModified()

    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "SMEAR-7")
    qtbot.keyClicks(window.case_panel.operator, "Dr Ngozi Upu")
    assert (batch.facts.sample_id, batch.facts.operator) == ("SMEAR-7", "Dr Ngozi Upu")
    assert batch.counts.reviewed == 4  # typing "U", "P" or Space in a field reviewed nothing

    report = tmp_path / "report.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    rows = _read(report)
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(batch)
    assert [rows[r]["final_call"] for r in (a, b, c)] == ["uninfected", "parasitized",
                                                         batch.call(c)]
    assert rows[c]["review"] == "confirmed" and rows[d]["review"] == "overridden"
    assert rows[d]["final_call"] == overridden and rows[d]["call"] != overridden
    assert {rows[a]["review"], rows[b]["review"]} <= {"confirmed", "overridden"}
    assert all(row["review"] == "" for i, row in enumerate(rows) if i not in (a, b, c, d))
    assert {(row["sample_id"], row["operator"]) for row in rows} == {("SMEAR-7", "Dr Ngozi Upu")}
    assert summary_path(report).is_file()
    assert not window.isWindowModified()


def test_export_offers_to_review_the_uncertain_cells_first(window, qtbot, tmp_path,
                                                           monkeypatch, cell_folder):
    batch = with_healthy_cells_uncertain(window, qtbot, cell_folder[0])
    waiting = [row for row in range(len(batch)) if batch.uncertain(row)]
    assert len(waiting) >= 2 and batch.counts.unreviewed_uncertain == len(waiting)
    report = tmp_path / "report.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(report), "CSV files (*.csv)"))

    window.actions.export.trigger()
    click(wait_for_box(qtbot, window, UNREVIEWED), "Cancel")
    assert window.proxy.rowCount() == len(batch) and not report.exists()  # nothing happened

    window.actions.export.trigger()
    box = wait_for_box(qtbot, window, UNREVIEWED)
    assert f"{len(waiting)} uncertain cells are not reviewed" in box.text()
    assert box.text().endswith("Review them shows the review queue: every flagged cell "
                               "nobody has reviewed, these among them.")
    batch.confirm(waiting[-1])  # reviewed before: the review keys never come back to it
    click(box, "Review them")  # the review queue: the flagged cells nobody has reviewed
    queue = [window.proxy.source_row(at) for at in range(window.proxy.rowCount())]
    assert sorted(queue) == [row for row in range(len(batch))
                             if batch.suspect(row) and not batch.decision(row)]
    assert waiting[-1] not in queue and not report.exists()
    first = _current_row(window)
    assert first == queue[0]
    qtbot.keyClick(window.lists, Qt.Key.Key_Space)  # confirmed: it leaves the queue
    assert batch.review(first) == "confirmed" and _current_row(window) == queue[1]
    assert batch.review(waiting[-1]) == "confirmed"

    window.actions.export.trigger()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(wait_for_box(qtbot, window, UNREVIEWED), "Export anyway")
    assert sum(row["review"] == "" for row in _read(report)) == len(batch) - 2
    for row in waiting:  # the uncertain cells, reviewed
        batch.confirm(row)

    assert batch.counts.unreviewed_uncertain == 0 and batch.first_unreviewed_uncertain() is None
    reviewed = tmp_path / "reviewed.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(reviewed), "CSV files (*.csv)"))
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.actions.export.trigger()  # every uncertain cell reviewed: no question
    rows = _read(reviewed)
    assert all(row["review"] for row in rows if row["uncertain"] == "true")


def test_export_names_one_uncertain_cell_in_the_singular(window, qtbot, cell_folder):
    """One uncertain cell left was "1 uncertain cells are not reviewed yet"."""
    batch = with_healthy_cells_uncertain(window, qtbot, cell_folder[0])
    waiting = [row for row in range(len(batch)) if batch.uncertain(row)]
    for row in waiting[1:]:
        assert batch.confirm(row)
    window.actions.export.trigger()
    box = wait_for_box(qtbot, window, UNREVIEWED)
    text = box.text()
    click(box, "Cancel")
    assert text.startswith("1 uncertain cell is not reviewed yet. The report will give the "
                           "model's call for it.")


def test_export_of_a_signed_case_does_not_offer_to_review_its_uncertain_cells(
        window, qtbot, tmp_path, monkeypatch, cell_folder):
    """Review them was offered, and its default, on a signed case that refuses every review."""
    batch = with_healthy_cells_uncertain(window, qtbot, cell_folder[0])
    assert batch.counts.unreviewed_uncertain >= 2
    _sign(window, qtbot)
    report = tmp_path / "signed.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(report), "CSV files (*.csv)"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(window.controller.export_finished, timeout=10_000):
        qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_E,
                       Qt.KeyboardModifier.ControlModifier)
    assert not [box for box in window.findChildren(QMessageBox)
                if box.isVisible() and box.windowTitle() == UNREVIEWED]
    assert sum(row["uncertain"] == "true" and not row["review"] for row in _read(report)) >= 2


def test_a_new_case_starts_at_the_model_cards_threshold(window, qtbot, cell_folder):
    """A threshold moved on a discarded case stayed for the next patient's."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    default = window.controller.classifier.rule.threshold
    window.controls.threshold.spin.setValue(0.5)
    assert window.batch.facts.rule.threshold == 0.5 != default
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    window.actions.new_case.trigger()
    qtbot.waitUntil(lambda: len(window.batch) == 0)
    assert window.batch.facts.rule.threshold == pytest.approx(default)
    assert window.controls.threshold.spin.value() == pytest.approx(default, abs=1e-3)


def test_threshold_relabels_live_both_ways(window, qtbot, mixed_folder):
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch = window.batch
    probabilities = [r.probability for r in batch.results if r.ok]
    middle = round(statistics.median(probabilities), 3)
    window.controls.threshold.spin.setValue(middle)  # widget -> batch
    assert batch.facts.rule.threshold == pytest.approx(middle)
    calls = _column(window, CALL)
    for row in range(window.proxy.rowCount()):
        p = window.proxy.index(row, PROB).data(Qt.ItemDataRole.UserRole + 1)
        if p >= 0:
            assert calls[row] == ("parasitized" if p >= middle else "uninfected")
    assert {"parasitized", "uninfected"} <= set(calls)
    assert window.summary.text("parasitized") == str(sum(p >= middle for p in probabilities))
    batch.set_threshold(0.2)  # batch -> widgets
    assert window.controls.threshold.value() == pytest.approx(0.2)
    assert window.controls.threshold.slider.value() == 200
    window.controls.reset.click()
    assert batch.facts.rule.threshold == pytest.approx(batch.facts.default_threshold)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    window.table.select_source_row(_first_ok(batch))
    slider = window.controls.threshold.slider
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=slider.rect().center())
    moved = batch.facts.rule.threshold
    assert moved != pytest.approx(batch.facts.default_threshold)  # the click set a threshold
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # and the keys stay with the list
    assert batch.facts.rule.threshold == moved and _current_row(window) == _first_ok(batch) + 1


def test_typed_values_apply_whole_and_enter_hands_the_keys_back_to_the_list(window, qtbot,
                                                                             mixed_folder):
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch, controls = window.batch, window.controls
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    start = _first_ok(batch)
    window.table.select_source_row(start)
    spin = controls.threshold.spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.35")  # typed digit by digit: "0.3" must not become "0.300"
    facts = batch.facts
    assert facts.rule.threshold == pytest.approx(facts.default_threshold), "applied on Enter"
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert batch.facts.rule.threshold == pytest.approx(0.35)
    assert QApplication.focusWidget() is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # moves in the list, not the threshold
    assert _current_row(window) == start + 1 and batch.facts.rule.threshold == pytest.approx(0.35)

    window.central.show_case()  # the slide id is the case's, on its tab
    assert QApplication.focusWidget() is window.case_panel.sample_id
    qtbot.keyClicks(window.case_panel.sample_id, "S-7")
    qtbot.keyClick(window.case_panel.sample_id, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert batch.facts.sample_id == "S-7" and batch.final_call(start + 1) == "parasitized"


def test_a_click_on_the_threshold_arrows_hands_the_keys_back_to_the_list(window, qtbot,
                                                                         mixed_folder):
    """Nudged with the spin box's arrows, the threshold kept the keys: the next Down, meant
    for the next cell, moved the threshold again and re-labelled the whole batch."""
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch, spin = window.batch, window.controls.threshold.spin
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    start = _first_ok(batch)
    window.table.select_source_row(start)
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=QPoint(spin.width() - 6, 4))
    nudged = batch.facts.rule.threshold
    assert nudged == pytest.approx(batch.facts.default_threshold + 0.01, abs=1e-3)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert batch.facts.rule.threshold == nudged and _current_row(window) == start + 1


def test_the_model_default_button_leaves_the_keys_with_the_list(window, qtbot, mixed_folder):
    """Clicked, the button took the keys and, disabling itself, passed them on down the form:
    the next Down went to the Grad-CAM checkbox instead of to the next cell."""
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch = window.batch
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    start = _first_ok(batch)
    window.table.select_source_row(start)
    window.table.setFocus()
    batch.set_threshold(0.3)
    qtbot.mouseClick(window.controls.reset, Qt.MouseButton.LeftButton)
    assert batch.facts.rule.threshold == pytest.approx(batch.facts.default_threshold)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert _current_row(window) == start + 1


def test_export_says_which_unreviewed_uncertain_cells_review_them_shows(
        window, qtbot, cell_folder):
    """With one of several uncertain cells marked unsure, the question said Review them shows
    'the others among them; those marked unsure are listed once it is empty'."""
    from malariascope.gui.batch import UNSURE

    batch = with_healthy_cells_uncertain(window, qtbot, cell_folder[0])
    waiting = [row for row in range(len(batch)) if batch.uncertain(row)]
    assert len(waiting) >= 2 and batch.set_review(waiting[0], UNSURE)
    window.actions.export.trigger()
    box = wait_for_box(qtbot, window, UNREVIEWED)
    text = box.text()
    click(box, "Cancel")
    assert f"{len(waiting)} uncertain cells are not reviewed yet, 1 of them marked unsure" in text
    assert text.endswith("Review them shows the review queue, every flagged cell nobody has "
                         f"reviewed, the other {len(waiting) - 1} among them; the cell marked "
                         "unsure is listed once it is empty.")
