"""The real window with the real model: open, list, review with keys, re-label, export."""

from __future__ import annotations

import csv
import statistics

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QStyleOptionViewItem

from malariascope import __version__
from malariascope.core.report import COLUMNS, summary_path
from malariascope.gui import dialogs, settings
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import CALL, ERROR, FILE, FINAL, PROB, REVIEW
from tests.gui.helpers import answer_next_dialog, click, screen_and_wait, wait_for_box
from tests.images import make_cell_folder, write_broken_files


@pytest.fixture
def cell_folder(tmp_path):
    """Generated cells only (no real data needed), with broken files among them."""
    folder = tmp_path / "cells"
    make_cell_folder(folder, 12)
    reasons = write_broken_files(folder / "broken")
    return folder, reasons


UNREVIEWED = "Unreviewed uncertain cells"


def _read(report) -> list[dict[str, str]]:
    with open(report, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _column(window, column: int) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _natural(name: str) -> tuple:
    """``cell_12.png`` after ``cell_9.png``, as the files were listed."""
    stem, number = name.rsplit("_", 1)
    return stem, int(number.split(".")[0])


def _first_ok(batch) -> int:
    """The first row with a call (broken/ sorts before the cells in natural order)."""
    return next(row for row, result in enumerate(batch.results) if result.ok)


def _current_row(window) -> int:
    return window.table.current_source_row()


def test_window_paints_before_the_model_and_says_when_ready(make_window, qtbot):
    window = make_window(start=False)
    assert window.controller.classifier is None and window.isVisible()
    assert (window.width(), window.height()) == (1280, 800)
    assert not window.windowIcon().isNull()
    with qtbot.waitSignal(window.controller.model_ready, timeout=60_000):
        window.start()
    classifier = window.controller.classifier
    assert "Model ready" in window.statusBar().currentMessage()
    assert window.controls.threshold.value() == pytest.approx(classifier.rule.threshold, abs=1e-3)
    assert f"{classifier.rule.field_threshold:.3f}" in window.controls.threshold.toolTip()
    assert window.batch.facts.model == classifier.model_name


def test_folder_lists_every_cell_and_bad_files_as_error_rows(window, qtbot, mixed_folder):
    folder, reasons = mixed_folder
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    assert len(batch) == window.proxy.rowCount() == 20 + 6 + len(reasons)
    errors = {r.path.name: r.error for r in batch.results if not r.ok}
    assert set(errors) == set(reasons)
    for name, word in reasons.items():
        assert word in errors[name]
    rule = batch.facts.rule
    for row, result in enumerate(batch.results):
        if result.ok:
            assert 0.0 <= result.probability <= 1.0
            assert batch.call(row) == rule.call(result.probability)
    shown_errors = [text for text in _column(window, ERROR) if text]
    assert len(shown_errors) == len(reasons)
    drawn = QStyleOptionViewItem()  # a reason wraps and is cut at its end, not its middle
    window.table.itemDelegateForColumn(ERROR).initStyleOption(drawn, window.proxy.index(
        _column(window, ERROR).index(shown_errors[0]), ERROR))
    assert drawn.textElideMode == Qt.TextElideMode.ElideRight and drawn.text == shown_errors[0]
    assert drawn.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    assert not any(isinstance(w, QMessageBox) and w.isVisible()
                   for w in QApplication.topLevelWidgets())  # no dialog per bad file
    summary = window.summary
    assert summary.text("cells") == "26 / 2,000" and summary.text("errors") == str(len(reasons))
    assert int(summary.text("parasitized")) + int(summary.text("uninfected")) == 26
    assert window.statusBar().currentMessage().startswith(
        f"Screened 26 cells, {len(reasons)} errors in ")  # as the summary counts them


def test_thumbnails_load_lazily_for_painted_rows(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    cache = window.table_model.thumbnails
    index = window.table_model.index(_first_ok(window.batch), 0)
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None,
                    timeout=10_000)
    thumbnail = index.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(thumbnail, QImage) and 0 < thumbnail.width() <= cache.pixels
    assert len(cache._images) < len(window.batch) * 2  # only rows asked for are decoded


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
    screen_and_wait(window, qtbot, [cell_folder[0]])
    batch = window.batch
    batch.set_sample_id("S-1")  # no question about it first
    healthy = max(r.probability for r in batch.results if r.ok and r.probability < 0.5)
    window.controls.threshold.spin.setValue(round(healthy, 3))  # the healthy cells: uncertain
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
    click(box, "Review them")
    assert window.proxy.rowCount() == batch.counts.uncertain and not report.exists()
    assert _current_row(window) == waiting[0]
    qtbot.keyClick(window.table, Qt.Key.Key_Space)  # confirmed, on to the next uncertain cell
    assert batch.review(waiting[0]) == "confirmed"
    assert batch.counts.unreviewed_uncertain == len(waiting) - 1
    assert batch.first_unreviewed_uncertain() == waiting[1]

    window.actions.export.trigger()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(wait_for_box(qtbot, window, UNREVIEWED), "Export anyway")
    assert sum(row["review"] == "" for row in _read(report)) == len(batch) - 1

    for row in waiting[1:]:
        assert batch.confirm(row)
    assert batch.counts.unreviewed_uncertain == 0 and batch.first_unreviewed_uncertain() is None
    reviewed = tmp_path / "reviewed.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(reviewed), "CSV files (*.csv)"))
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.actions.export.trigger()  # every uncertain cell reviewed: no question
    rows = _read(reviewed)
    assert all(row["review"] for row in rows if row["uncertain"] == "true")


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


def test_filters_and_sorting(window, qtbot, mixed_folder):
    folder, reasons = mixed_folder
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    assert batch.confirm(_first_ok(batch))
    expected = {
        Filter.ERRORS: len(reasons),
        Filter.PARASITIZED: batch.counts.parasitized,
        Filter.UNINFECTED: batch.counts.uninfected,
        Filter.UNCERTAIN: batch.counts.uncertain,
        Filter.UNREVIEWED: len(batch) - len(reasons) - 1,
        Filter.ALL: len(batch),
    }
    for mode, count in expected.items():
        window.actions.filters[mode].trigger()
        assert window.proxy.rowCount() == count, mode
    window.set_filter(Filter.PARASITIZED)
    assert set(_column(window, FINAL)) <= {"parasitized"}
    window.set_filter(Filter.ALL)
    window.table.sortByColumn(PROB, Qt.SortOrder.AscendingOrder)
    shown = [float(text) for text in _column(window, PROB) if text]
    assert shown == sorted(shown)
    window.table.sortByColumn(FILE, Qt.SortOrder.AscendingOrder)
    assert _column(window, FILE)[0] == f"broken/{batch.results[0].path.name}"


def test_the_selected_row_stays_in_view_when_the_filter_changes(window, qtbot, tmp_path):
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 60)[0].parent])
    table, batch = window.table, window.batch

    def current_row_in_view() -> bool:
        return table.visualRect(table.currentIndex()).intersects(table.viewport().rect())

    for row in range(20):
        assert batch.confirm(row)
    table.select_source_row(0)
    window.set_filter(Filter.UNREVIEWED)  # hides the selected row and the 19 below it
    assert _current_row(window) == 20 and current_row_in_view()
    table.select_source_row(len(batch) - 1)  # the last row: the list scrolls down
    window.set_filter(Filter.ALL)
    assert _current_row(window) == len(batch) - 1 and current_row_in_view()
    for column, order in ((PROB, Qt.SortOrder.DescendingOrder), (FILE, Qt.SortOrder.AscendingOrder),
                          (PROB, Qt.SortOrder.AscendingOrder)):
        table.sortByColumn(column, order)  # the selection stays on its cell, and in view
        assert _current_row(window) == len(batch) - 1 and current_row_in_view(), column


def test_rows_streaming_into_a_sorted_list_leave_the_selected_row_in_place(window, qtbot,
                                                                           tmp_path):
    """Rows arriving while the list is sorted take their places around the selected row,
    which stays where it was on screen (it used to be pushed out of sight)."""
    from malariascope.core.pipeline import screen

    first = make_cell_folder(tmp_path / "first", 60)
    later = make_cell_folder(tmp_path / "later", 60, prefix="later")
    screen_and_wait(window, qtbot, [tmp_path / "first"])
    view = window.table
    view.sortByColumn(PROB, Qt.SortOrder.AscendingOrder)
    view.setCurrentIndex(window.proxy.index(20, FILE))
    view.scrollTo(view.currentIndex(), view.ScrollHint.PositionAtCenter)
    selected, y = view.current_source_row(), view.visualRect(view.currentIndex()).y()
    window.batch.extend(screen(later, window.controller.classifier))  # as screening does
    assert window.proxy.rowCount() == len(first) + len(later)
    assert view.current_source_row() == selected and view.currentIndex().row() > 20
    assert view.visualRect(view.currentIndex()).y() == y


def test_a_new_batch_under_a_filter_selects_the_first_row_shown(window, qtbot, tmp_path):
    make_cell_folder(tmp_path / "a_cells", 70)  # the first inference batch holds no error
    reasons = write_broken_files(tmp_path / "zz_broken")
    window.set_filter(Filter.ERRORS)
    screen_and_wait(window, qtbot, [tmp_path])
    assert window.proxy.rowCount() == len(reasons)
    assert window.table.currentIndex().row() == 0 and _current_row(window) == 70


def test_table_models_keep_qts_rules_while_rows_stream_in(window, qtbot, qtmodeltester,
                                                           big_folder):
    qtmodeltester.check(window.table_model)  # Qt's tester keeps watching every change
    qtmodeltester.check(window.proxy)
    window.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)
    window.set_filter(Filter.UNINFECTED)
    window.open_paths([big_folder])
    qtbot.waitUntil(lambda: len(window.batch) >= 200, timeout=60_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.controller.cancel()
    window.batch.confirm(_first_ok(window.batch))
    window.batch.set_threshold(0.9)
    window.set_filter(Filter.ALL)
    qtmodeltester.check(window.proxy)
    assert window.proxy.rowCount() == len(window.batch)
    proxy = window.proxy
    keys = [proxy.index(row, PROB).data(Qt.ItemDataRole.UserRole + 1)
            for row in range(proxy.rowCount())]
    assert keys == sorted(keys, reverse=True)  # rows that streamed in took their places
    top = [proxy.index(row, FILE).data() for row in range(proxy.rowCount()) if keys[row] == keys[0]]
    assert len(top) > 1 and top == sorted(top, key=_natural)  # ties stay in file order
    window.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # no sort: file order again
    assert [window.proxy.mapToSource(window.proxy.index(row, FILE)).row()
            for row in range(window.proxy.rowCount())] == list(range(len(window.batch)))


def test_review_advances_within_the_unreviewed_filter(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.set_filter(Filter.UNREVIEWED)
    first = _first_ok(window.batch)
    window.table.select_source_row(first)
    second = window.table.source_row_after(first)
    window.review_current("confirm")
    assert _current_row(window) == second
    assert window.proxy.rowCount() == len(window.batch) - len(cell_folder[1]) - 1


def test_when_the_filter_drops_the_selected_row_the_next_one_takes_its_place(window, qtbot,
                                                                             cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.set_filter(Filter.UNREVIEWED)
    first = _first_ok(window.batch)
    window.table.select_source_row(first)
    second = window.table.source_row_after(first)
    assert window.batch.confirm(first)  # reviewed elsewhere than the list (no key pressed)
    assert _current_row(window) == second == window.detail.current_row()
    for row in range(len(window.batch)):  # the list empties: nothing is selected any more
        window.batch.confirm(row)
    assert window.proxy.rowCount() == 0 and window.detail.current_row() is None
    assert not any(action.isEnabled() for action in window.actions.review)


def test_a_new_filter_selects_the_first_shown_row_after_the_selected_one(window, qtbot,
                                                                        cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    k = _first_ok(window.batch) + 2
    window.table.select_source_row(k)
    for row in (k - 1, k, k + 1):
        assert window.batch.confirm(row)
    window.set_filter(Filter.UNREVIEWED)
    assert _current_row(window) == k + 2 == window.detail.current_row()


def test_export_failure_is_reported_and_the_batch_stays(window, qtbot, cell_folder, tmp_path):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    rows = len(window.batch)
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000) as blocker:
        window.export_to(tmp_path / "no such folder" / "report.csv")
    assert "folder does not exist" in blocker.args[0]
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "not written" in boxes[0].text()
    boxes[0].close()
    assert len(window.batch) == window.proxy.rowCount() == rows
    existing = tmp_path / "old.csv"
    existing.write_text("keep me", encoding="utf-8")
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000) as blocker:
        window.export_to(existing, overwrite=False)
    assert "exists" in blocker.args[0] and existing.read_text(encoding="utf-8") == "keep me"
    QApplication.activeModalWidget() and QApplication.activeModalWidget().close()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(existing, overwrite=True)  # what the save dialog's "replace" means
    assert existing.read_text(encoding="utf-8-sig").startswith("image_path,")


def test_cancel_stops_a_running_batch_early(window, qtbot, big_folder):
    window.open_paths([big_folder])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=60_000)
    task = window.status.task_status
    assert task.cancel_button.isVisible() and task.isVisible()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=30_000) as blocker:
        task.cancel_button.click()
    cells, complete = blocker.args
    assert not complete and cells == len(window.batch)
    assert cells < 500, f"{cells} of 2000 cells screened after cancel"
    assert not task.cancel_button.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.actions.export.isEnabled()  # the partial batch can still be exported


def test_event_loop_stays_responsive_during_a_batch(window, qtbot, big_folder):
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock, gaps, last = QElapsedTimer(), [], [0]
    clock.start()

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    try:
        screen_and_wait(window, qtbot, [big_folder])
    finally:
        timer.stop()
    assert len(window.batch) == 2000
    assert len(gaps) > 20
    # Screening 2,000 images on the UI thread would block it for seconds. The bound is loose
    # because CI shares 2 cores; benchmarks/gui_big_batch.py prints the real worst gap.
    assert max(gaps) < 1000, f"event loop blocked for {max(gaps)} ms"


def test_drop_opens_files_and_folders(window, qtbot, cell_folder):
    folder, reasons = cell_folder
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder / "broken")),
                  QUrl.fromLocalFile(str(folder / "cell_0.png"))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.dropEvent(event)
    assert len(window.batch) == len(reasons) + 1
    assert window.batch.counts.errors == len(reasons)


def test_open_before_the_model_is_ready_waits_for_it(make_window, qtbot, cell_folder):
    window = make_window(start=False)
    window.open_paths([cell_folder[0]])
    assert window.controller.screening and window.status.task_status.isVisible()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.start()
    assert len(window.batch) == 12 + len(cell_folder[1])


def test_recent_folders_layout_and_mode_are_remembered(make_window, qtbot, cell_folder,
                                                  fresh_settings):
    window = make_window()
    screen_and_wait(window, qtbot, [cell_folder[0]])
    screen = window.screen().availableGeometry()  # restoring clamps to the screen
    window.resize(min(900, screen.width() - 20), min(700, screen.height() - 40))
    saved = window.size()
    window.batch.set_operator("Kofi")
    window.actions.modes["field"].trigger()
    window.close()
    assert settings.app_settings().fileName().startswith(str(fresh_settings))
    again = make_window(start=False)
    assert again.size() == saved != QSize(1280, 800)
    assert again.batch.facts.operator == "Kofi"
    assert again.controller.mode == "field" and again.actions.modes["field"].isChecked()
    recent = [action.text() for action in again.actions.recent_menu.actions()]
    assert recent == [str(cell_folder[0].resolve())]


def test_each_widget_keeps_its_own_settings(make_window, qtbot):
    window = make_window(start=False)
    default = window.central.splitter.sizes()
    assert default[0] > default[1]  # the list gets the room
    screen = window.screen().availableGeometry()  # restoring clamps to the screen
    window.resize(min(1100, screen.width() - 20), min(700, screen.height() - 40))
    window.central.splitter.setSizes([1, 10_000])  # the list as narrow as it goes
    window.detail.overlay_box.setChecked(False)
    window.detail.opacity.setValue(70)
    narrow = window.central.splitter.sizes()
    window.close()
    again = make_window(start=False)
    assert again.central.splitter.sizes() == narrow
    assert not again.detail.overlay_box.isChecked() and again.detail.opacity.value() == 70


def test_a_recent_folder_opens_from_its_menu(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    cells = len(window.batch)
    (recent,) = window.actions.recent_menu.actions()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000) as blocker:
        recent.trigger()
    assert blocker.args == [cells, True] and window.batch.facts.sources == (cell_folder[0].name,)


def test_new_case_or_close_with_unsaved_reviews_asks_first(window, qtbot, cell_folder,
                                                           answer_questions):
    """Closing offered only Discard and Cancel, and Alt+D did nothing."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    assert window.batch.confirm(_first_ok(window.batch))
    asked_new = answer_questions(QMessageBox.StandardButton.Cancel)
    cells = len(window.batch)
    window.actions.new_case.trigger()
    assert len(window.batch) == cells and "1 reviews" in asked_new[0]
    asked = []

    def cancel(box: QMessageBox) -> None:
        asked.append((box.text(), [button.text() for button in box.buttons()]))
        click(box, "Cancel")

    answer_next_dialog(window, cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1 and "1 reviewed" in asked[0][0]
    assert sorted(asked[0][1]) == ["&Cancel", "&Discard", "&Export…"]
    answer_next_dialog(window, lambda box: click(box, "Export…"))
    window.close()  # not closed: the export begins, asking for the sample id first
    assert window.isVisible() and window.batch.unsaved
    click(wait_for_box(qtbot, window, "No sample id"), "Cancel")

    def discard_with_alt_d(box: QMessageBox) -> None:
        box.activateWindow()  # a mnemonic works in the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
        qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        try:  # a mnemonic clicks its button after a short animation
            qtbot.waitUntil(lambda: not box.isVisible(), timeout=2_000)
        except qtbot.TimeoutError:  # Alt+D did nothing: answer, so that the test fails
            click(box, "Cancel")

    answer_next_dialog(window, discard_with_alt_d)
    window.close()
    assert not window.isVisible()


def test_export_with_an_empty_sample_id_asks_first(window, qtbot, tmp_path, monkeypatch,
                                                   real_cells):
    """Export with an empty Sample id went through without a word."""
    report = tmp_path / "report.csv"
    monkeypatch.setattr(dialogs, "ask_report_path", lambda *args: (report, False))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.open_paths(real_cells["uninfected"][:2])
    window.batch.set_threshold(0.99)  # nothing uncertain: no other question
    assert window.batch.counts.unreviewed_uncertain == 0
    window.actions.export.trigger()
    click(wait_for_box(qtbot, window, "No sample id"), "Enter sample id")
    qtbot.waitUntil(lambda: window.focusWidget() is window.case_panel.sample_id)
    assert not report.exists()
    window.actions.export.trigger()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        click(wait_for_box(qtbot, window, "No sample id"), "Export anyway")
    assert report.exists()


def test_detail_view_shows_the_cell_beside_its_overlay(window, qtbot, mixed_folder):
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    row = next(row for row in range(len(batch)) if batch.suspect(row))
    window.table.select_source_row(row)
    qtbot.waitUntil(lambda: detail._cell is not None, timeout=10_000)
    plain, with_overlay = detail.canvas.image().copy(), detail.overlay_canvas.image().copy()
    assert detail.overlay_canvas.isVisible() and detail.legend.isVisible()
    assert plain.size() == with_overlay.size() == QSize(*detail._cell.image.shape[1::-1])
    assert plain != with_overlay
    assert detail.legend.caption.text() == "where the network sees a parasite"
    detail.overlay_box.setChecked(False)
    assert not detail.overlay_canvas.isVisible() and not detail.opacity.isEnabled()
    assert detail.canvas.image() == plain  # the cell itself, untouched
    detail.overlay_box.setChecked(True)
    detail.opacity.setValue(90)
    assert detail.overlay_canvas.image() != with_overlay
    result = batch.results[row]
    assert detail.fact("P(parasitized)").startswith(f"{result.probability:.3f}")
    assert detail.fact("Call") == batch.call(row)
    assert detail.fact("Model") == batch.facts.model
    assert detail.fact("Review") == "not reviewed"


def test_the_overlay_starts_off_on_a_cell_called_uninfected(window, qtbot, mixed_folder):
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    healthy = next(row for row in range(len(batch)) if not batch.suspect(row))
    suspect = next(row for row in range(len(batch)) if batch.suspect(row))
    window.table.select_source_row(healthy)
    qtbot.waitUntil(lambda: detail._cell is not None, timeout=10_000)
    assert not detail.overlay_box.isChecked() and not detail.overlay_canvas.isVisible()
    detail.overlay_box.setChecked(True)  # asked for: the uninfected map, so named
    assert detail.legend.caption.text() == "where the network sees an uninfected cell"
    window.table.select_source_row(suspect)
    assert detail.overlay_box.isChecked()  # suspects keep their own choice
    detail.overlay_box.setChecked(False)
    window.table.select_source_row(healthy)
    window.table.select_source_row(suspect)
    assert not detail.overlay_box.isChecked()


def test_the_overlay_controls_leave_the_keys_with_the_list(window, qtbot, cell_folder):
    """After the overlay's opacity was dragged, Down changed the opacity instead of moving to
    the next cell (and PgDn jumped it by ten): the controls took the keys on a click."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    detail = window.detail
    window.table.select_source_row(_first_ok(window.batch))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    slider = detail.opacity
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(slider.width() // 4, slider.height() // 2))
    qtbot.mouseClick(detail.overlay_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, detail.overlay_box.height() // 2))
    qtbot.mouseClick(detail.overlay_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, detail.overlay_box.height() // 2))
    opacity, row = slider.value(), _current_row(window)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Up):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert slider.value() == opacity
    assert _current_row(window) > row


def test_detail_view_explains_an_unreadable_file(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0] / "broken"])
    window.table.select_source_row(0)
    assert window.detail.canvas.image().isNull()
    assert "Could not read" in window.detail.canvas.message
    assert window.batch.results[0].error in window.detail.canvas.message


def test_about_box_shows_version_model_card_and_disclaimer(window, qtbot):
    box = window.show_about()
    text = box.text()
    card = window.controller.classifier.card.to_dict()
    assert __version__ in text and "screening aid, not a diagnosis" in text
    assert f"{card['test_metrics']['accuracy']:.3f}" in text
    assert f"{card['trained_on']['train']['parasitized']:,} parasitized" in text
    assert str(card["created"]) in text
    box.close()


def test_an_uncertain_cell_called_uninfected_shows_where_a_parasite_may_be(window, qtbot,
                                                                          mixed_folder):
    from malariascope.core.classifier import from_log_odds, log_odds
    from malariascope.core.gradcam import overlay
    from malariascope.gui.thumbnails import rgb_qimage

    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    row = _first_ok(batch)
    # just above this cell's score: called uninfected, within the uncertain band
    batch.set_threshold(from_log_odds(log_odds(batch.results[row].probability) + 0.2))
    assert batch.call(row) == "uninfected" and batch.uncertain(row)
    window.table.select_source_row(row)
    qtbot.waitUntil(lambda: detail._cell is not None and not detail.canvas.image().isNull(),
                    timeout=10_000)
    cell, alpha = detail._cell, detail.opacity.value() / 100.0
    shown = detail.overlay_canvas.image()
    assert shown == rgb_qimage(overlay(cell.image, cell.heat_parasitized, alpha))
    assert shown != rgb_qimage(overlay(cell.image, cell.heat_uninfected, alpha))


def test_review_and_grad_cam_are_off_on_an_unreadable_file_and_the_panel_says_why(
        window, qtbot, mixed_folder):
    """On an unreadable file's row the review buttons and the Grad-CAM controls looked
    enabled and did nothing."""
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "broken", folder / "real"])
    batch, detail = window.batch, window.detail
    row = next(row for row, result in enumerate(batch.results) if not result.ok)
    window.table.select_source_row(row)
    window.table.setFocus()
    off = (*window.actions.review, window.actions.clear_review, detail.overlay_box,
           detail.opacity)
    assert not any(control.isEnabled() for control in off)
    assert detail.canvas.message.count(batch.results[row].error) == 1
    assert "nothing to review, no Grad-CAM" in detail.canvas.message
    for key in (Qt.Key.Key_Space, Qt.Key.Key_P, Qt.Key.Key_U):
        qtbot.keyClick(window.table, key)
    assert _current_row(window) == row and not batch.review(row)
    assert window.detail.fact("Cell") == ""  # not "one cell per image": it may be a field
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert _current_row(window) != row
    suspect = next(row for row in range(len(batch)) if batch.results[row].ok
                   and batch.suspect(row))  # its overlay on: the opacity too
    window.table.select_source_row(suspect)
    assert all(control.isEnabled() for control in off)
