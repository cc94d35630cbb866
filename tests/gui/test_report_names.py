"""The PDF from the window names each pictured cell's file as the window's list does."""

from __future__ import annotations

from tests.gui.helpers import screen_and_wait
from tests.images import same_named_cells
from tests.reports import read_pdf


def test_cells_of_two_subfolders_with_one_file_name_are_told_apart_in_the_pdf(
        window, qtbot, tmp_path, cell_test_dir):
    """Export PDF report captioned a picture with its file's name alone: a/cell.png and
    b/cell.png of one slide's folder were both printed "cell.png"."""
    folder = same_named_cells(tmp_path / "slide", cell_test_dir)
    screen_and_wait(window, qtbot, [folder])
    path = tmp_path / "r.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    assert "a/cell.png" in text and "b/cell.png" in text
