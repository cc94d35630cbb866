"""The cell list of the real window at its default size, with more rows than it shows: Home and
End go to its ends, the current row stays in sight after every move the window makes (the
whole field showing under the list takes height from it), and a new case shows all its cells
in the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.case import ReviewDecision
from malariascope.core.classifier import UNINFECTED, Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.core.session import Session
from malariascope.gui.app import start
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import FILE, PROB
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    answer_next_dialog,
    click,
    screen_and_wait,
    wait_for_box,
)
from tests.images import FIELD_CELLS, make_cell, make_cell_folder, write_field, write_rgb

CELLS, FIELDS = 20, 4  # single cells first in file order, then the fields' cells
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def slide(tmp_path: Path) -> Path:
    """Single cells, all parasitized but the last, then whole fields."""
    folder = tmp_path / "slide"
    (folder / "cells").mkdir(parents=True)
    for i in range(CELLS - 1):
        write_rgb(folder / "cells" / f"cell_{i}.png", make_cell(parasitized=True, seed=i))
    write_rgb(folder / "cells" / "cell_99.png", make_cell(seed=99))
    for seed in range(FIELDS):
        write_field(folder / f"field_{seed}.png", seed=seed)
    return folder


def in_sight(table) -> bool:
    index = table.currentIndex()
    return index.isValid() and table.visualRect(index).intersects(table.viewport().rect())


def screened(window, qtbot, slide: Path):
    """The window with ``slide`` screened and its list holding the keys."""
    screen_and_wait(window, qtbot, [slide])
    assert len(window.batch) == CELLS + FIELDS * FIELD_CELLS
    window.activateWindow()
    window.lists.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)
    return window.table


def settled(window, qtbot) -> None:
    """Wait until the window has laid out the field box as the selection shows or hides it
    (a splitter gives a hidden widget no size)."""
    box, split = window.central.field_box, window.central.list_and_field
    qtbot.waitUntil(lambda: (split.sizes()[1] > 0) == box.isVisible())


def test_home_and_end_go_to_the_lists_first_and_last_rows(window, qtbot, slide):
    table = screened(window, qtbot, slide)
    table.select_source_row(CELLS // 2)
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == window.proxy.rowCount() - 1
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)
    assert table.currentIndex().row() == window.proxy.rowCount() - 1
    assert table.currentIndex().column() == FILE  # the same column: no sideways scroll


@pytest.mark.parametrize("key", [Qt.Key.Key_End, Qt.Key.Key_Home], ids=["end", "home"])
def test_ctrl_end_and_home_keep_the_row_they_select_in_sight(window, qtbot, slide, key):
    """After Ctrl+End the list showed rows #132-135 while #142 was selected."""
    table = screened(window, qtbot, slide)
    table.select_source_row(CELLS - 1 if key == Qt.Key.Key_End else len(window.batch) - 1)
    settled(window, qtbot)
    qtbot.keyClick(table, key, CTRL)
    settled(window, qtbot)
    assert in_sight(table)


def test_a_review_keeps_the_next_cell_in_sight(window, qtbot, slide):
    table = screened(window, qtbot, slide)
    table.select_source_row(CELLS - 1)  # the last single cell: a field's cell comes next
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert table.current_source_row() == CELLS
    settled(window, qtbot)
    assert in_sight(table)


def test_a_filter_hiding_the_current_row_keeps_the_next_one_in_sight(window, qtbot, slide):
    table = screened(window, qtbot, slide)
    batch = window.batch
    assert batch.call(CELLS - 1) == UNINFECTED
    table.select_source_row(CELLS - 1)
    window.actions.filters[Filter.PARASITIZED].trigger()  # the cells above it stay
    assert batch.results[table.current_source_row()].in_field  # the field shows
    settled(window, qtbot)
    assert in_sight(table)


def test_a_sort_keeps_the_current_row_in_sight(window, qtbot, slide):
    table = screened(window, qtbot, slide)
    table.select_source_row(len(window.batch) - 1)
    settled(window, qtbot)
    table.horizontalHeader().setSortIndicator(PROB, Qt.SortOrder.DescendingOrder)
    assert in_sight(table)
    table.horizontalHeader().setSortIndicator(PROB, Qt.SortOrder.AscendingOrder)
    assert in_sight(table)


def test_restore_keeps_the_cell_where_the_technician_stopped_in_sight(
        make_window, qtbot, slide, data_folder):
    """After Restore the list showed rows #52-55 while #62 was selected."""
    classifier = Classifier.open()
    results = list(screen(sorted(slide.rglob("*.png")), classifier))
    facts = BatchFacts.of(classifier, sample_id="S-62")
    last = CELLS - 1  # reviewed last: the cell after it, a field's, is where work goes on
    review = ReviewDecision(last, "Ana", "2026-12-03T09:00:00+00:00",
                            facts.rule.call(results[last].probability), UNINFECTED, UNINFECTED)
    with Register(data_folder) as register:
        CaseWork(register).save(Session(results, facts, [review], unsaved=True))
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    assert window.table.current_source_row() == CELLS
    settled(window, qtbot)
    assert in_sight(window.table)


def test_a_new_case_shows_all_its_cells_in_the_table(window, qtbot, slide, tmp_path):
    """After New case the list kept the last slide's filter and the gallery: the new slide's
    cells showed as the few the filter let through, easy to misread as the whole slide."""
    screened(window, qtbot, slide)
    qtbot.keyClick(window.table, Qt.Key.Key_Q)  # the queue: To review, in the gallery
    assert window.lists.gallery_shown() and window.proxy.rowCount() < len(window.batch)
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    window.actions.new_case.trigger()
    assert len(window.batch) == 0
    assert window.actions.filters[Filter.ALL].isChecked()
    assert not (window.actions.gallery.isChecked() or window.lists.gallery_shown())
    make_cell_folder(tmp_path / "next", 8)
    screen_and_wait(window, qtbot, [tmp_path / "next"])
    assert window.proxy.rowCount() == len(window.batch) == 8
