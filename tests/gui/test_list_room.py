"""The cell list's room at a 1024-px window goes where its text is: File takes what an empty
Error column does not need, and a file's name is never broken inside its extension."""

from __future__ import annotations

from PySide6.QtCore import Qt

from malariascope.gui.results_table import ERROR, FILE
from tests.gui.helpers import resize_window, screen_and_wait
from tests.gui.test_list_names import _drawn
from tests.images import make_cell, write_broken_files, write_rgb

NIH_NAMES = [f"C100P61ThinF_IMG_20150918_144104_cell_{cell}.png" for cell in (162, 1620, 16)] + [
    "C129P90ThinF_IMG_20151004_133244_cell_100.png", "C39P4thinF_original_IMG_20150622_110115_"
    "cell_115.png", "C1_thinF_IMG_20150604_104722_cell_9.png"]
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def test_at_1024_px_file_names_keep_their_extension_and_an_empty_error_column_is_narrow(
        window, qtbot, tmp_path):
    """At a 1024 x 700 window the File column was about 95 px, so a name broke inside its
    ".png" ("..._cell_1620.p" over "ng"), while the Error column, empty, was wider."""
    opened = tmp_path / "slide"
    opened.mkdir()
    for name in NIH_NAMES:
        write_rgb(opened / name, make_cell())
    resize_window(window, qtbot, 1024, 700)
    screen_and_wait(window, qtbot, [opened])
    table = window.table
    header = table.horizontalHeader()
    assert table.columnWidth(ERROR) <= header.sectionSizeHint(ERROR)  # its title's room
    assert table.columnWidth(ERROR) < table.columnWidth(FILE)
    for row, name in enumerate(window.batch.results):
        lines = _drawn(table, table.model().mapFromSource(
            table.model().sourceModel().index(row, FILE)).row())
        shown = "".join(lines)
        assert shown == name.path.name or (
            shown.startswith("…") and name.path.name.endswith(shown[1:])), lines
        assert lines[-1].endswith(".png"), lines  # ".png" on one line, whole
        index = table.model().index(row, FILE)
        assert str(name.path) in index.data(TOOLTIP)
    whole = sum("".join(_drawn(table, row)) in NIH_NAMES for row in range(len(NIH_NAMES)))
    assert whole >= len(NIH_NAMES) - 1  # typical names show whole

    write_broken_files(tmp_path / "broken")  # a reason to show: the Error column widens
    screen_and_wait(window, qtbot, [tmp_path / "broken"])
    assert table.columnWidth(ERROR) >= table.fontMetrics().horizontalAdvance("not a readable")
