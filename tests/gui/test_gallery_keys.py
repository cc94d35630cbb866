"""The gallery's selection in the real window with the real model: a technician who never
touches the mouse selects a run of cells and reviews them at once, and the mouse's ways that
the keys sheet names."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from malariascope.gui.batch import Batch
from malariascope.gui.results_table import THUMB
from tests.gui.case_steps import _sign
from tests.gui.helpers import screen_and_wait
from tests.gui.test_gallery import _click, _gallery, _shown
from tests.images import make_cell_folder, write_broken_files

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def cells(tmp_path):
    folder = tmp_path / "cells"
    make_cell_folder(folder, 12)
    return folder


def _uninfected(batch: Batch, rows: list[int]) -> list[bool]:
    return [batch.final_call(row) == "uninfected" for row in rows]


def test_shift_arrows_select_a_run_of_tiles_from_the_gallery_first_shown(window, qtbot,
                                                                         cells):
    """The table hands the gallery its File column as current; Shift+Right spanned from no
    tile and selected none, so U reviewed no cell at all."""
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    qtbot.keyClick(gallery, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(gallery, Qt.Key.Key_Right, SHIFT)
    assert gallery.selected_source_rows() == shown[:3]
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.counts.reviewed == 3 and all(_uninfected(batch, shown[:3]))
    assert window.actions.undo.text() == "Un&do uninfected on 3 cells"


def test_shift_arrows_after_a_review_span_from_the_cell_it_moved_on_to(window, qtbot, cells):
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    qtbot.keyClick(gallery, Qt.Key.Key_Right)
    qtbot.keyClick(gallery, Qt.Key.Key_P)  # reviews shown[1], moves on to shown[2]
    qtbot.keyClick(gallery, Qt.Key.Key_Right, SHIFT)
    assert gallery.selected_source_rows() == shown[2:4]
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.counts.reviewed == 3 and all(_uninfected(batch, shown[2:4]))
    assert batch.final_call(shown[1]) == "parasitized" and batch.decision(shown[0]) is None


def test_undo_names_the_cells_a_review_took_not_the_unreadable_files_selected(window, qtbot,
                                                                             cells):
    """Ctrl+A then U over 12 cells and 4 unreadable files offered "Undo uninfected on 16
    cells"."""
    write_broken_files(cells / "broken")
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.counts.reviewed == batch.counts.classified == 12
    assert window.actions.undo.text() == "Un&do uninfected on 12 cells"
    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)
    assert batch.counts.reviewed == 0
    assert window.actions.redo.text() == "&Redo uninfected on 12 cells"


def test_ctrl_arrow_selects_the_cell_the_panel_then_shows(window, qtbot, cells):
    """Ctrl+Right moved the current cell, which the panel shows, and left the selection: U
    then reviewed the cell before it, not the one on show."""
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    _click(gallery, qtbot, 0)
    qtbot.keyClick(gallery, Qt.Key.Key_Right, CTRL)
    assert window.detail.current_row() == shown[1]
    assert gallery.selected_source_rows() == [shown[1]]
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.final_call(shown[1]) == "uninfected" and batch.decision(shown[0]) is None


def test_a_cell_ctrl_clicked_out_of_the_selection_leaves_the_panel(window, qtbot, cells):
    """Ctrl+click on a selected cell takes it out, but Qt leaves it current: the panel showed
    it while U reviewed the others."""
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    _click(gallery, qtbot, 0)
    _click(gallery, qtbot, 3, CTRL)
    _click(gallery, qtbot, 3, CTRL)  # out again
    assert gallery.selected_source_rows() == [shown[0]]
    assert window.detail.current_row() == shown[0]
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.final_call(shown[0]) == "uninfected" and batch.decision(shown[3]) is None


def test_a_selection_ending_on_an_unreadable_file_is_reviewed(window, qtbot, cells):
    """Home then Shift+End selects the whole list, unreadable files last: the review keys
    went off with the current tile's file, and U reviewed nothing, saying nothing."""
    write_broken_files(cells / "broken")
    screen_and_wait(window, qtbot, [cells])
    batch = window.batch
    gallery = _gallery(window, qtbot)
    qtbot.keyClick(gallery, Qt.Key.Key_Home)
    qtbot.keyClick(gallery, Qt.Key.Key_End, SHIFT)
    assert not batch.results[window.table.current_source_row()].ok
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert batch.counts.reviewed == batch.counts.classified == 12
    qtbot.keyClick(gallery, Qt.Key.Key_Home)
    qtbot.keyClick(gallery, Qt.Key.Key_End)  # the unreadable file alone: nothing to review
    assert not window.actions.review[0].isEnabled()


def test_an_undone_step_makes_its_first_cell_in_sight_current(window, qtbot, cells):
    """Undo selected the cells again but made the one screened first current, wherever the
    gallery shows it: on a slide's review queue, Ctrl+A, P and Ctrl+Z scrolled the gallery
    to a cell in the middle, its top row cut off."""
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)
    assert gallery.selected_source_rows() == shown
    assert window.table.current_source_row() == shown[0] != min(shown)


def test_an_undone_step_shows_only_its_first_cell_on_the_way(window, qtbot, cells):
    """Undo selected the cells before making the first current: in between, the gallery made
    the selected cell nearest the old current one current, so the panel loaded a cell (and
    its Grad-CAM) it then dropped, and the gallery scrolled twice."""
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    shown = _shown(window)
    qtbot.keyClick(gallery, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(gallery, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(gallery, Qt.Key.Key_U)  # the first three
    qtbot.keyClick(gallery, Qt.Key.Key_End)  # the current cell now out of that step
    made_current: list[int] = []
    gallery.selectionModel().currentChanged.connect(
        lambda index, _: made_current.append(window.proxy.source_row(index.row())))
    qtbot.keyClick(gallery, Qt.Key.Key_Z, CTRL)
    assert made_current == [shown[0]]


def test_a_drag_across_tiles_selects_the_cells_it_covers(window, qtbot, cells):
    """The keys sheet says a drag selects in the gallery: the three tiles of a row dragged
    across are selected, for one review."""
    screen_and_wait(window, qtbot, [cells])
    gallery = _gallery(window, qtbot)
    start, end = (gallery.visualRect(gallery.model().index(at, THUMB)).center() for at in (0, 2))
    viewport = gallery.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    QApplication.sendEvent(viewport, QMouseEvent(  # qtbot's mouseMove holds no button
        QEvent.Type.MouseMove, QPointF(end), QPointF(viewport.mapToGlobal(end)),
        Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert gallery.selected_source_rows() == _shown(window)[:3]


def test_the_panel_says_the_review_keys_act_on_every_cell_selected(window, qtbot, cells):
    """With many cells selected the panel showed one cell and no word that P, U, Space or ?
    would act on all of them."""
    screen_and_wait(window, qtbot, [cells])
    gallery, note = _gallery(window, qtbot), window.detail.selection_note
    _click(gallery, qtbot, 0)
    assert not note.isVisibleTo(window)
    _click(gallery, qtbot, 3, SHIFT)
    _click(gallery, qtbot, 5, CTRL)
    assert note.isVisibleTo(window)
    assert note.text() == "5 cells selected: the review keys act on all 5"
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert window.batch.counts.reviewed == 5
    _click(gallery, qtbot, 2)
    assert not note.isVisibleTo(window)


def test_a_signed_case_never_says_the_review_keys_act_on_the_cells_selected(window, qtbot,
                                                                            cells):
    """On a signed case the review keys change nothing, yet the panel said they act on all
    the cells selected."""
    screen_and_wait(window, qtbot, [cells])
    qtbot.keyClicks(window.case_panel.sample_id, "S-2026-0412")
    gallery, note = _gallery(window, qtbot), window.detail.selection_note
    _click(gallery, qtbot, 0)
    _click(gallery, qtbot, 3, SHIFT)
    assert note.isVisibleTo(window)
    _sign(window, qtbot)
    assert not note.isVisibleTo(window)
    _click(gallery, qtbot, 1)
    _click(gallery, qtbot, 4, SHIFT)
    assert len(gallery.selected_source_rows()) == 4
    assert not note.isVisibleTo(window)


def test_the_many_cells_note_counts_only_the_cells_the_keys_review(window, qtbot, cells):
    """With 12 cells and 4 unreadable files selected the note said the keys act on all 16,
    and U reviewed 12."""
    write_broken_files(cells / "broken")
    screen_and_wait(window, qtbot, [cells])
    gallery, note = _gallery(window, qtbot), window.detail.selection_note
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    assert len(gallery.selected_source_rows()) == 16
    assert note.text() == "12 cells selected: the review keys act on all 12"
    qtbot.keyClick(gallery, Qt.Key.Key_U)
    assert window.batch.counts.reviewed == 12


def test_the_many_cells_note_follows_a_threshold_that_takes_cells_out_of_the_queue(
        window, qtbot, tmp_path, real_cells):
    """All the review queue selected, then a higher threshold taking some cells out of it:
    the panel still said the keys act on every cell selected before, while U reviewed only
    those left in the queue."""
    slide = tmp_path / "slide"
    slide.mkdir()
    for path in real_cells["parasitized"] + real_cells["uninfected"]:
        shutil.copy(path, slide / path.name)
    screen_and_wait(window, qtbot, [slide])
    gallery, note = _gallery(window, qtbot), window.detail.selection_note
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    queued = window.proxy.rowCount()
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    assert note.text() == f"{queued} cells selected: the review keys act on all {queued}"
    spin = window.controls.threshold.spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.9900")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    left = window.proxy.rowCount()
    assert 1 < left < queued  # the threshold took some cells out of the queue
    assert note.text() == f"{left} cells selected: the review keys act on all {left}"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_U)
    assert window.batch.counts.reviewed == left


def test_the_last_cell_marked_unsure_is_not_said_reviewed(window, qtbot, tmp_path,
                                                          real_cells):
    """? on the queue's last cell said "Last cell of the list reviewed", though a cell marked
    unsure stays unreviewed for a second reader."""
    slide = tmp_path / "slide"
    slide.mkdir()
    for path in real_cells["parasitized"][:4]:
        shutil.copy(path, slide / path.name)
    screen_and_wait(window, qtbot, [slide])
    gallery = _gallery(window, qtbot)
    qtbot.keyClick(gallery, Qt.Key.Key_End)
    last = window.table.current_source_row()
    qtbot.keyClick(gallery, Qt.Key.Key_Question)
    assert window.batch.review(last) == "unsure" and not window.batch.reviewed(last)
    assert window.statusBar().currentMessage() == "Last cell of the list marked unsure"
