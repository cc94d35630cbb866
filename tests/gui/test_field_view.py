"""Whole fields in the real window with the real model: outlines, click to select, review,
parasitemia, export. No test relies on what the model calls a cell."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.report import summary_path
from malariascope.core.words import threshold_words
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import CALL_COLOURS, FILE
from tests.gui.helpers import _click_cell, _distance, close_window, screen_and_wait
from tests.images import FIELD_CELLS, write_glass
from tests.reports import read_rows, read_summary


def _other(call: str) -> str:
    return "uninfected" if call == "parasitized" else "parasitized"


def test_field_view_outlines_every_cell_and_a_click_selects_it(window, qtbot, smear):
    folder, field = smear
    screen_and_wait(window, qtbot, [folder])
    batch, view = window.batch, window.field_view
    rows = batch.field_rows(field)
    assert len(rows) == FIELD_CELLS
    assert window.proxy.index(rows[11], FILE).data() == "field.png #12"
    window.table.select_source_row(rows[0])
    assert window.central.field_box.isVisibleTo(window)
    qtbot.waitUntil(lambda: not view.image().isNull(), timeout=10_000)
    assert view.image().size() == QSize(800, 600)
    assert set(view.outlines()) == set(rows)

    target = rows[11]
    _click_cell(window, qtbot, target)
    assert window.table.current_source_row() == target == view.current_row()
    assert window.detail.fact("Cell").startswith("#12 of a whole field")
    assert window.detail.fact("Image") == "field, 800 × 600 px"  # not the cell's
    _, _, w, h = batch.results[target].box  # the cell's box, with its Grad-CAM:
    qtbot.waitUntil(lambda: window.detail.canvas.image().size() == QSize(w, h), timeout=10_000)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(1, 1))  # glass: no cell
    assert window.table.current_source_row() == target

    window.table.select_source_row(rows[3])
    window.review_current("confirm")  # reviewed, and the next cell selected
    window.set_filter(Filter.UNREVIEWED)  # hides the cell reviewed, not the one selected
    _click_cell(window, qtbot, rows[3])
    assert window.table.current_source_row() == rows[3]
    assert window.actions.filters[Filter.ALL].isChecked()


def _typing_a_sample_id(window, qtbot, smear) -> list[int]:
    """Screen the smear, select its first cell and type "S-7" into the sample id; the field's
    rows."""
    folder, field = smear
    screen_and_wait(window, qtbot, [folder])
    rows = window.batch.field_rows(field)
    window.table.select_source_row(rows[0])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "S-7")
    return rows


def test_a_click_in_the_field_gives_the_keys_to_the_list(window, qtbot, smear):
    """The field takes no keys: after typing a sample id, a click on a cell and P reviews it
    (the P went into the sample id, and into every row of the report)."""
    rows = _typing_a_sample_id(window, qtbot, smear)
    _click_cell(window, qtbot, rows[4])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert window.batch.facts.sample_id == "S-7"
    assert window.batch.final_call(rows[4]) == "parasitized"


def test_a_click_off_the_cells_gives_the_keys_to_the_list(window, qtbot, smear):
    """Only a click on a cell did: after a drag to pan the field, or a click that missed, a P
    meant for the selected cell went into the sample id typed before (and every report row)."""
    rows = _typing_a_sample_id(window, qtbot, smear)
    qtbot.mouseClick(window.field_view, Qt.MouseButton.LeftButton, pos=QPoint(1, 1))  # glass
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert window.batch.facts.sample_id == "S-7"
    assert window.batch.final_call(rows[0]) == "parasitized"


def test_the_room_given_to_the_list_and_the_field_is_remembered(make_window, qtbot, smear):
    folder, field = smear
    window = make_window()
    screen_and_wait(window, qtbot, [folder])
    window.table.select_source_row(window.batch.field_rows(field)[0])
    splitter = window.central.list_and_field
    total = sum(splitter.sizes())
    splitter.setSizes([total * 3 // 4, total - total * 3 // 4])  # the list gets more rows
    chosen = splitter.sizes()
    close_window(window, qtbot)
    again = make_window(start=False)
    again.central.field_box.show()  # as a batch with fields shows it
    qtbot.waitUntil(lambda: again.central.list_and_field.sizes()[1] > 0)
    sizes = again.central.list_and_field.sizes()  # the window's height may differ a little
    assert sizes[0] / sum(sizes) == pytest.approx(chosen[0] / sum(chosen), abs=0.05)


def test_review_in_a_field_recolours_it_and_moves_parasitemia(window, qtbot, smear, tmp_path):
    folder, field = smear
    screen_and_wait(window, qtbot, [folder])
    batch, view, table = window.batch, window.field_view, window.table
    rows = batch.field_rows(field)
    target = rows[5]
    window.table.select_source_row(rows[0])  # the field shows once one of its cells is selected
    _click_cell(window, qtbot, target)
    qtbot.waitUntil(lambda: not view.image().isNull(), timeout=10_000)
    before, percent = view.outline_pen(target).color(), window.summary.text("field")
    assert percent == batch.field_counts(field).percent_text()  # as every view rounds it
    overridden = _other(batch.call(target))
    window.activateWindow()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_P if overridden == "parasitized" else Qt.Key.Key_U)
    assert batch.review(target) == "overridden" and batch.final_call(target) == overridden
    assert table.current_source_row() == target + 1 == view.current_row()  # moved on
    colour = CALL_COLOURS[overridden]
    assert view.outline_pen(target).color() == colour != before
    rect = view.box_rect(batch.results[target].box)
    drawn = view.grab().toImage().pixelColor(round(rect.left()), round(rect.center().y()))
    assert _distance(drawn, colour) < _distance(drawn, before)  # and it is painted so
    assert window.summary.text("field") == batch.field_counts(field).percent_text()
    assert window.summary.text("field") != percent
    qtbot.keyClick(table, Qt.Key.Key_Up)  # keys still move through the list
    assert table.current_source_row() == target == view.current_row()

    report = tmp_path / "report.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    exported = read_rows(report)
    assert len(exported) == len(batch) == FIELD_CELLS + 1
    row = exported[target]
    assert (row["cell_index"], row["review"], row["final_call"]) == ("6", "overridden",
                                                                     overridden)
    assert (int(row["cell_x"]), int(row["cell_y"])) == batch.results[target].box[:2]
    _, fields = read_summary(summary_path(report))
    assert fields[str(field)]["percent_parasitized"] == window.summary.text("field")


def test_menu_screens_the_next_images_as_single_cells(window, qtbot, smear):
    folder, field = smear
    window.actions.modes["cell"].trigger()
    assert window.controller.mode == "cell" and window.actions.modes["cell"].isChecked()
    screen_and_wait(window, qtbot, [field])
    assert len(window.batch) == 1 and not window.batch.has_fields
    assert not window.central.field_box.isVisibleTo(window)
    assert not any(action.isEnabled() for action in window.actions.field_actions)
    assert window.proxy.index(0, FILE).data() == "field.png"


def test_a_field_where_no_cell_was_found_has_no_parasitemia(window, qtbot, smear):
    """Its row selected, the summary read 0.0 % in this field, as if the field had been
    looked at and found clean."""
    folder, field = smear
    glass = write_glass(folder / "glass.png")
    screen_and_wait(window, qtbot, [folder])
    row = next(r for r, result in enumerate(window.batch.results) if result.path == glass)
    window.table.select_source_row(row)
    assert window.summary.text("field") == "–"
    window.table.select_source_row(window.batch.field_rows(field)[0])
    counts = window.batch.field_counts(field)
    assert window.summary.text("field") == counts.percent_text()


def test_a_field_given_with_its_folder_is_screened_once(window, qtbot, smear):
    """Dropped with its folder, a field was screened twice: every cell counted twice, and
    a click on a cell selected its second copy while the review shown was the first's."""
    folder, field = smear
    screen_and_wait(window, qtbot, [field, folder])
    batch = window.batch
    assert len(batch) == FIELD_CELLS + 1 and len(batch.field_rows(field)) == FIELD_CELLS
    assert batch.field_counts(field).classified == FIELD_CELLS


def test_the_field_panel_never_shrinks_the_list_mid_batch_and_keeps_its_place_after(
        window, qtbot, smear):
    """The whole-field panel appeared as the first field arrived, taking most of the list's
    height while a single cell was selected, and told it to "Select a cell of a whole
    field". It comes as the screening ends, and stays while single cells are selected."""
    folder, field = smear
    box, table = window.central.field_box, window.table
    shown_mid_batch: list[bool] = []
    window.batch.events.appended.connect(
        lambda *_: shown_mid_batch.append(box.isVisibleTo(window)))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        assert window.open_paths([folder])
    assert window.batch.has_fields and table.current_source_row() == 0
    assert shown_mid_batch and not any(shown_mid_batch)
    assert box.isVisibleTo(window)
    assert window.field_view.message == "A single-cell image: no whole field"
    window.table.select_source_row(window.batch.field_rows(field)[3])
    assert box.isVisibleTo(window) and window.field_view.field() == field
    window.table.select_source_row(0)
    assert box.isVisibleTo(window) and window.field_view.field() is None


def test_a_field_cell_names_the_field_threshold_that_called_it(window, qtbot, smear):
    """A field cell at P 0.779 read "uninfected, uncertain" beside a threshold of 0.187."""
    folder, field = smear
    screen_and_wait(window, qtbot, [folder])
    batch, detail = window.batch, window.detail
    batch.set_threshold(0.5)
    rule = batch.facts.rule
    window.table.select_source_row(batch.field_rows(field)[0])
    assert detail.fact("Threshold") == f"{threshold_words(rule.field_threshold)} (field)"
    tip = detail.facts._values["Threshold"].toolTip()
    assert threshold_words(rule.field_threshold) in tip and "0.5000" in tip
    window.table.select_source_row(0)  # the single cell
    assert detail.fact("Threshold") == "0.5000"


def test_a_new_case_after_a_field_shows_the_empty_window_of_the_start(window, qtbot, smear):
    """A new, empty case after a case of whole fields kept the black "Select a cell of a whole
    field" pane under the empty list, where the window at start has the list alone."""
    folder, field = smear
    screen_and_wait(window, qtbot, [folder])
    window.table.select_source_row(window.batch.field_rows(field)[0])
    assert window.central.field_box.isVisibleTo(window)
    assert window.case_flow.new_case(ask=False)
    assert len(window.batch) == 0 and window.field_view.field() is None
    assert not window.central.field_box.isVisibleTo(window)
    assert window.summary.text("field") == "–"
