"""The whole-field pane of the real window on a slide of real cells and whole fields: it keeps
its place while the arrows cross between the cells of a field and single-cell images, so the
gallery's tiles stay where they are, and it shows what is selected, nothing when nothing is."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import field_pane_laid_out, resize_window, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.images import write_broken_files, write_field

CTRL = Qt.KeyboardModifier.ControlModifier
NO_CELL = "No cell selected"  # as the cell panel says
SINGLE_CELL = "A single-cell image: no whole field"


@pytest.fixture
def mixed_slide(tmp_path: Path, real_cells: dict[str, list[Path]]) -> Path:
    """Twelve real cells (copied to tmp) and two generated whole fields, in one folder."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in real_cells["parasitized"][:6] + real_cells["uninfected"][:6]:
        shutil.copy(path, folder / path.name)
    for seed in range(2):
        write_field(folder / f"field_{seed}.png", seed=seed)
    return folder


def _screened_with_the_list_keys(window, qtbot, slide: Path):
    """``window`` with ``slide`` screened and the list holding the keys; the keys' widget."""
    screen_and_wait(window, qtbot, [slide])
    assert window.batch.has_fields
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.lists.setFocus()
    return window.lists.focusProxy()


def _shows_the_selection(window) -> bool:
    """True when the pane shows the field of the selected cell, or says why it shows none."""
    row, view = window.table.current_source_row(), window.field_view
    if row is None:
        return view.field() is None and view.message == NO_CELL
    result = window.batch.results[row]
    if result.whole_field:
        return view.field() == result.path and view.current_row() == row
    return view.field() is None and view.message == SINGLE_CELL


def _laid_out(window) -> tuple:
    """Where the gallery and the pane are once Qt has laid out what the last key changed."""
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    gallery, box = window.gallery, window.central.field_box
    return (box.isVisible(), gallery.mapTo(window, QPoint(0, 0)), gallery.size(),
            gallery.viewport().size(), tuple(window.central.list_and_field.sizes()))


def test_the_gallery_keeps_its_size_as_the_arrows_cross_between_fields_and_single_cells(
        window, qtbot, mixed_slide):
    """The pane showed for a cell of a field and hid for a single-cell image, so the tiles
    jumped up and down under the technician's eyes at every crossing; it keeps its place
    while the slide has a field, saying there is none for a single-cell image."""
    keys = _screened_with_the_list_keys(window, qtbot, mixed_slide)
    qtbot.keyClick(keys, Qt.Key.Key_G)
    gallery, box, split = window.gallery, window.central.field_box, window.central.list_and_field
    assert window.lists.gallery_shown() and QApplication.focusWidget() is gallery
    qtbot.keyClick(gallery, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: gallery.viewport().width() > 0
                    and (split.sizes()[1] > 0) == box.isVisible())  # a hidden pane: no size
    before = _laid_out(window)
    fields_seen = []
    for key in [Qt.Key.Key_Right] * 30 + [Qt.Key.Key_Left] * 10:
        qtbot.keyClick(gallery, key)
        assert _laid_out(window) == before
        assert _shows_the_selection(window)
        fields_seen.append(window.field_view.field())
    crossings = sum((a is None) != (b is None) for a, b in pairwise(fields_seen))
    assert crossings >= 4  # the walk crossed between fields and single cells, both ways
    assert box.isVisible()  # the slide came to rest with fields: the pane has its place


def test_the_pane_shows_no_field_once_the_queue_is_empty_and_after_signing(
        window, qtbot, mixed_slide):
    """With the queue emptied (Ctrl+A, then Space confirms all) the pane still showed the last
    field while the cell panel beside it said "No cell selected", and after signing too."""
    keys = _screened_with_the_list_keys(window, qtbot, mixed_slide)
    batch = window.batch
    spin = window.controls.threshold.spin
    spin.setValue(spin.minimum())  # most cells flagged: the queue holds the fields' cells too
    qtbot.keyClick(keys, Qt.Key.Key_Q)
    proxy = window.proxy
    queue = [proxy.source_row(at) for at in range(proxy.rowCount())]
    field_cell = next(row for row in queue if batch.results[row].whole_field)
    window.table.select_source_row(field_cell)
    assert window.field_view.field() == batch.results[field_cell].path
    gallery = window.gallery
    qtbot.keyClick(gallery, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(gallery, Qt.Key.Key_Space)
    assert batch.counts.reviewed == len(queue) and proxy.rowCount() == 0
    assert window.table.current_source_row() is None
    assert window.detail.canvas.message == NO_CELL
    assert _shows_the_selection(window) and window.central.field_box.isVisible()
    assert window.summary.text("field") == "–"  # no field's parasitemia either

    batch.set_sample_id("S-PANE")
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert _shows_the_selection(window)
    window.table.select_source_row(field_cell)  # the pane still follows a cell selected
    assert _shows_the_selection(window)


def test_the_table_shows_most_of_its_rows_beside_a_field_and_keeps_a_dragged_split(
        window, qtbot, mixed_slide):
    """At 1280 x 800 the pane took half the list's column in the table, leaving about four
    rows of cells for the whole case; it takes a quarter, as under the gallery, until the
    technician drags the split, which then stays as dragged."""
    resize_window(window, qtbot, 1280, 800)
    _screened_with_the_list_keys(window, qtbot, mixed_slide)
    table, split = window.table, window.central.list_and_field
    assert not window.lists.gallery_shown()
    sizes = field_pane_laid_out(window, qtbot)
    row_height = table.rowHeight(0)
    assert table.viewport().height() // row_height >= 7, (sizes, row_height)
    total = sum(sizes)
    split.setSizes([total // 2, total - total // 2])  # as the technician drags it
    dragged = split.sizes()
    box = window.central.field_box
    box.hide()  # as a new case does, until its slide has a whole field
    box.show()
    qtbot.waitUntil(lambda: split.sizes()[1] > 0)
    QApplication.processEvents()
    assert split.sizes() == dragged


def test_the_pane_gives_a_file_without_a_call_its_reason(window, qtbot, mixed_slide):
    """Beside an unreadable file, and a file gone before it was read, the pane said "A
    single-cell image: no whole field": neither is a single-cell image."""
    reasons = write_broken_files(mixed_slide / "broken")
    screen_and_wait(window, qtbot, [mixed_slide, mixed_slide / "gone"])
    results = window.batch.results
    errors = {results[row].path.name: row for row in range(len(results)) if not results[row].ok}
    assert set(errors) == {*reasons, "gone"}
    for name, row in errors.items():
        window.table.select_source_row(row)
        message = window.field_view.message
        assert window.field_view.field() is None
        assert message == f"No call for this file: {results[row].error}", name
        assert reasons.get(name, "no such file or folder") in message
