"""The cell list as a technician reads it: names that tell rows apart, natural order, and
every column on a 1024-px screen."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from malariascope.core.names import common_folder
from malariascope.gui.name_delegate import LINE_BREAK
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import FILE, HEADERS, PROB, THUMB, ResultsTableModel
from tests.gui.helpers import resize_window, screen_and_wait
from tests.images import make_cell, make_cell_folder, write_broken_files, write_field, write_rgb

TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def beside_root(tmp_path):
    """A folder that shares only the root with ``tmp_path`` (a skip where none is writable)."""
    for parent in ("/dev/shm", "/var/tmp"):
        if os.access(parent, os.W_OK) and common_folder([tmp_path, parent]) == Path("/"):
            folder = Path(tempfile.mkdtemp(dir=parent))
            yield folder
            shutil.rmtree(folder)
            return
    pytest.skip("no writable folder shares only the root with the temporary folder")


def _files(window) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, FILE).data() for row in range(proxy.rowCount())]


def test_rows_of_one_name_in_two_folders_are_told_apart_by_their_folder(window, qtbot,
                                                                        tmp_path):
    """``cell_3.png`` of parasitized/ and of uninfected/ both read "...cell_3.png", cut in the
    middle, and the detail panel cut the path off on the right."""
    opened = tmp_path / "sample"
    make_cell_folder(opened / "parasitized", 4)
    make_cell_folder(opened / "uninfected", 4)
    screen_and_wait(window, qtbot, [opened])
    names = _files(window)
    assert names[:5] == ["parasitized/cell_0.png", "parasitized/cell_1.png",
                         "parasitized/cell_2.png", "parasitized/cell_3.png",
                         "uninfected/cell_0.png"]
    assert window.table.textElideMode() == Qt.TextElideMode.ElideLeft  # the end shows
    row = names.index("uninfected/cell_3.png")
    path = os.path.abspath(window.batch.results[row].path)
    assert window.proxy.index(row, FILE).data(TOOLTIP) == path

    window.table.select_source_row(row)
    shown = window.detail.facts._values["File"]
    assert window.detail.fact("File") == path  # whole, for copying
    assert shown.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    shown.resize(120, shown.height())  # narrower than the path: it wraps, nothing is cut
    lines = shown.document().firstBlock().layout().lineCount()
    assert lines > 1 and shown.height() >= lines * shown.fontMetrics().lineSpacing()


def test_sorting_by_file_is_natural_order_by_folder(window, qtbot, tmp_path):
    """Sorted by File, rows stayed in the order they were opened in (cell_10 before cell_2
    when picked so), and looked unsorted."""
    cells = make_cell_folder(tmp_path / "a", 12)
    shutil.copy(cells[0], tmp_path / "b_0.png")
    picked = [cells[10], tmp_path / "b_0.png", cells[2], cells[1], cells[11], cells[9]]
    screen_and_wait(window, qtbot, picked)
    assert _files(window) == ["a/cell_10.png", "b_0.png", "a/cell_2.png", "a/cell_1.png",
                              "a/cell_11.png", "a/cell_9.png"]
    window.table.sortByColumn(FILE, Qt.SortOrder.AscendingOrder)
    assert _files(window) == ["a/cell_1.png", "a/cell_2.png", "a/cell_9.png", "a/cell_10.png",
                              "a/cell_11.png", "b_0.png"]
    window.table.sortByColumn(FILE, Qt.SortOrder.DescendingOrder)
    assert _files(window)[0] == "b_0.png"
    window.table.sortByColumn(THUMB, Qt.SortOrder.AscendingOrder)  # the order opened in
    assert _files(window)[0] == "a/cell_10.png"


def test_a_restored_batch_names_its_rows_from_the_folder_they_share(qapp, left_session):
    from malariascope.gui.batch import Batch

    batch = Batch()
    batch.restore(left_session)
    model = ResultsTableModel(batch)
    names = [model.index(row, FILE).data() for row in range(model.rowCount())]
    assert len(set(names)) == len(names)
    assert any(name.startswith("broken/") for name in names)
    assert "cell_0.png" in names
    model.thumbnails.shutdown()


def test_a_restored_batch_whose_folder_is_gone_names_its_rows_as_when_it_was_there(
        qapp, left_session, tmp_path):
    """With the images' share gone, the restored rows were named "left/cell_0.png" from the
    folder above, as if each file's folder were a file."""
    from malariascope.gui.batch import Batch

    shutil.rmtree(tmp_path / "left")
    batch = Batch()
    batch.restore(left_session)
    model = ResultsTableModel(batch)
    names = [model.index(row, FILE).data() for row in range(model.rowCount())]
    assert "cell_0.png" in names and any(name.startswith("broken/") for name in names)
    model.thumbnails.shutdown()


def test_every_column_fits_a_1024_px_window_and_the_sort_arrow_never_covers_a_title(
        window, qtbot, tmp_path):
    """At 1024 px Final call and Error were off-screen, behind a horizontal scroll bar, and
    the sort arrow covered the end of "P(parasitized)"."""
    make_cell_folder(tmp_path / "cells", 6)
    write_broken_files(tmp_path / "cells" / "broken")
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    table = window.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(FILE) > 0)
    for column in range(len(HEADERS)):
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= table.viewport().width(), HEADERS[column]
    assert table.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(FILE) >= 100  # the File column keeps room to tell rows apart
    for column in range(PROB, len(HEADERS)):
        table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert header.sectionSize(column) >= header.sectionSizeHint(column), HEADERS[column]
        assert table.horizontalScrollBar().maximum() == 0


def test_rows_are_renamed_when_a_sibling_folder_widens_the_common_folder(window, qtbot,
                                                                         tmp_path):
    """Opened alone, A/ named its rows "cell_0.png"; after B/ was added beside it the folder
    they share was sample/, yet A's rows kept "cell_0.png" (their cached names) beside
    "B/cell_0.png", and sorting by File put them apart from A's own folder."""
    sample = tmp_path / "sample"
    make_cell_folder(sample / "A", 3)
    make_cell_folder(sample / "B", 3)
    screen_and_wait(window, qtbot, [sample / "A"])
    assert _files(window) == ["cell_0.png", "cell_1.png", "cell_2.png"]
    window.table.sortByColumn(FILE, Qt.SortOrder.DescendingOrder)
    screen_and_wait(window, qtbot, [sample / "B"])
    expected = [f"{folder}/cell_{i}.png" for folder in "BA" for i in (2, 1, 0)]
    assert _files(window) == expected


def test_a_case_spanning_the_root_names_its_rows_and_undo_notes_by_whole_paths(
        window, qtbot, tmp_path, beside_root):
    """A case opened from /tmp/slideA and /work/shared/... named its rows relative to the root:
    'tmp/slideA/cell_0.png' in the list and in the undo note, a path that does not exist."""
    here = make_cell_folder(tmp_path / "slideA", 2)
    there = make_cell_folder(beside_root / "slideB", 2)
    screen_and_wait(window, qtbot, [tmp_path / "slideA", beside_root / "slideB"])
    assert _files(window) == [str(path) for path in (*here, *there)]
    batch, table = window.batch, window.table
    other = "uninfected" if batch.call(3) == "parasitized" else "parasitized"
    table.select_source_row(3)
    window.review_current(other)
    window.set_filter(Filter(other.capitalize()))  # undone, the cell is no longer listed
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert batch.decision(3) is None
    assert window.status.currentMessage() == (
        f"Undone on a cell the filter hides: {there[1]} (Ctrl+1 shows all cells)")


def _drawn(view, row: int) -> list[str]:
    """The lines of ``row``'s File text as the list draws them in its column: what its
    delegate gives, the last line that fits cut as the style cuts it."""
    index = view.model().index(row, FILE)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    width, metrics = option.rect.width() - 2 * margin, option.fontMetrics
    lines = option.text.split(LINE_BREAK)[:option.rect.height() // metrics.lineSpacing()]
    assert all(metrics.horizontalAdvance(line) <= width for line in lines[:-1])
    return [*lines[:-1], metrics.elidedText(lines[-1], option.textElideMode, width)]


def _narrow_file_column(window, qtbot, width: int = 110) -> None:
    """Move the splitter beside the list until its File column is ``width`` px wide, as
    narrow as a window of 1024 px made it while the Error column was wide."""
    splitter, table = window.central.splitter, window.table
    wider = table.columnWidth(FILE) - width
    sizes = splitter.sizes()
    splitter.setSizes([sizes[0] - wider, sizes[1] + wider])
    qtbot.waitUntil(lambda: abs(table.columnWidth(FILE) - width) <= 4)


def test_a_narrow_file_column_shows_the_file_name_whole(window, qtbot, tmp_path):
    """At a window width of 1024 px the File column, cut to one line from the left, showed
    a field's cells as "...1693.png #1": which field a cell came from was not said."""
    opened = tmp_path / "slide"
    for folder in ("fields_from_microscope_left", "cells"):
        (opened / folder).mkdir(parents=True)
    write_field(opened / "fields_from_microscope_left" / "PA171693.png")
    write_rgb(opened / "cells" / "C129P90ThinF_IMG_20151004_133244_cell_100.png", make_cell())
    (opened / "cells" / "notes.png").write_text("not an image")  # the Error column takes room
    resize_window(window, qtbot, 1024, 768)
    screen_and_wait(window, qtbot, [opened])
    names = _files(window)
    field, cell = names.index("fields_from_microscope_left/PA171693.png #1"), names.index(
        "cells/C129P90ThinF_IMG_20151004_133244_cell_100.png")
    assert window.table.columnWidth(FILE) < 120  # narrower than either name
    assert _drawn(window.table, field)[1:] == ["PA171693.png", "#1"]
    drawn = _drawn(window.table, cell)
    assert drawn[0].startswith("…") and "".join(drawn).endswith("_cell_100.png")


def test_a_name_longer_than_its_row_is_cut_at_the_left_as_the_readme_says(window, qtbot,
                                                                         tmp_path):
    """At 1024 px a name longer than its row's lines kept its start and its end, cut in the
    middle, where the README says it is cut at the left: two cells of one slide, photographed
    minutes apart, both read "C129P90ThinF_IMG_2015100…cell_100.png"."""
    opened = tmp_path / "slide"
    opened.mkdir()
    names = ["C129P90ThinF_IMG_20151004_133244_cell_100.png",
             "C129P90ThinF_IMG_20151004_141530_cell_100.png"]
    for name in names:
        write_rgb(opened / name, make_cell())
    resize_window(window, qtbot, 1024, 768)
    screen_and_wait(window, qtbot, [opened])
    _narrow_file_column(window, qtbot)
    assert _files(window) == names
    drawn = [_drawn(window.table, row) for row in range(2)]
    assert drawn[0] != drawn[1]
    for name, lines in zip(names, drawn, strict=True):
        shown = "".join(lines)
        assert shown.startswith("…") and name.endswith(shown[1:])  # its end, cut at the left
        assert len(shown) > len("20151004_133244_cell_100.png")


def test_a_name_is_laid_out_again_when_its_column_widens(window, qtbot, tmp_path):
    """The delegate keeps each name's lines: they must follow the column's width and the
    name, not be kept from the first layout."""
    opened = tmp_path / "slide"
    opened.mkdir()
    name = "C129P90ThinF_IMG_20151004_133244_cell_100.png"
    write_rgb(opened / name, make_cell())
    resize_window(window, qtbot, 1024, 768)
    screen_and_wait(window, qtbot, [opened])
    _narrow_file_column(window, qtbot)
    narrow = _drawn(window.table, 0)
    assert narrow[0].startswith("…")
    resize_window(window, qtbot, 2400, 768)  # the File column widens with the window
    assert _drawn(window.table, 0) == [name]
