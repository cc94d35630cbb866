"""The PDF from the window: each pictured cell named as the list names its file, and the
pictures whose files could no longer be read counted as such."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.gui.helpers import screen_and_wait
from tests.images import same_named_cells
from tests.reports import read_pdf


def _exported(window, qtbot, path: Path) -> str:
    """The text of the window's case exported as a PDF at ``path``."""
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    return read_pdf(path)[1]


def test_cells_of_two_subfolders_with_one_file_name_are_told_apart_in_the_pdf(
        window, qtbot, tmp_path, cell_test_dir):
    """Export PDF report captioned a picture with its file's name alone: a/cell.png and
    b/cell.png of one slide's folder were both printed "cell.png"."""
    folder = same_named_cells(tmp_path / "slide", cell_test_dir)
    screen_and_wait(window, qtbot, [folder])
    text = _exported(window, qtbot, tmp_path / "r.pdf")
    assert "a/cell.png" in text and "b/cell.png" in text


def test_pictures_whose_files_are_gone_are_said_to_be_unreadable_not_bounded(
        window, qtbot, tmp_path, cell_test_dir):
    """With the slide's files gone (a USB stick taken out) the PDF said of its 2 parasitized
    cells "2 more not shown: these are the 0 with the highest probability"."""
    folder = same_named_cells(tmp_path / "slide", cell_test_dir)
    screen_and_wait(window, qtbot, [folder])
    shutil.rmtree(folder)
    text = _exported(window, qtbot, tmp_path / "r.pdf")
    assert ("Parasitized cells (2, highest probability first) 2 not shown: their image files "
            "could not be read.") in text
    assert "more not shown" not in text


def test_a_picture_whose_file_now_holds_another_cell_is_not_printed_as_this_one(
        window, qtbot, tmp_path, cell_test_dir):
    """A camera writing a new picture under an old name: the PDF printed the new picture with
    the screened cell's name and probability."""
    folder = same_named_cells(tmp_path / "slide", cell_test_dir)
    screen_and_wait(window, qtbot, [folder])
    uninfected = sorted((cell_test_dir / "uninfected").glob("*.png"))[0]
    shutil.copy(uninfected, folder / "a" / "cell.png")  # still an image, another cell
    text = _exported(window, qtbot, tmp_path / "r.pdf")
    assert "Parasitized cells (2, highest probability first)" in text
    assert "1 not shown: its image file could not be read." in text
    assert "a/cell.png" not in text and "b/cell.png" in text
