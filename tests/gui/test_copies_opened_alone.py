"""Copies left out of a folder, then one file of it opened alone, and copies recorded by an
older MalariaScope searched again: in the real window with real cells, the case counts each
copy once, and none it did not find again is lost."""

from __future__ import annotations

import json
import shutil

from malariascope.core.extent import Extent
from tests.gui.helpers import screen_and_wait
from tests.gui.test_copies_searched_again import (
    copies_named,
    screen_again,
    slide_with_copies,
    slide_with_copies_in_a_subfolder,
)


def test_a_copy_opened_alone_out_of_a_folder_searched_before_counts_once(
    window, qtbot, tmp_path, real_cells
):
    """Opened alone, a copy of a folder screened before was counted at the file as well as
    in the folder's count: the case said 3 files were left out, not 2."""
    folder = slide_with_copies(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    screen_and_wait(window, qtbot, [folder / "z_copy_0.png"])
    copies = window.controller.extent.copies
    assert len(window.batch) == 4 and copies.count == 2
    assert copies_named(copies) == ["z_copy_0.png", "z_copy_1.png"]
    saved = Extent.from_dict(json.loads(json.dumps(window.controller.extent.to_dict())))
    assert saved.copies == copies


def test_a_copy_added_to_a_folder_searched_before_counts_when_opened_alone(
    window, qtbot, tmp_path, real_cells
):
    """A copy put in the folder after its search is new: opened alone, it counts once more."""
    folder = slide_with_copies(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    shutil.copy(folder / "cell_003.png", folder / "z_copy_3.png")
    screen_and_wait(window, qtbot, [folder / "z_copy_3.png"])
    screen_and_wait(window, qtbot, [folder / "z_copy_0.png"])
    assert window.controller.extent.copies.count == 3
    screen_again(window, qtbot, [folder], recursive=False)
    assert window.controller.extent.copies.count == 3


def recorded_by_input(window, tmp_path) -> None:
    """The window's extent with its copies as a record of an older MalariaScope keeps them,
    counted at the input that held them, written to a file and read back."""
    saved = window.controller.extent.to_dict()
    copies = saved["copies"]
    copies.pop("in_folders", None)
    copies["found_in"] = [[saved["inputs"][0], copies["count"]]]
    record = tmp_path / "extent.json"
    record.write_text(json.dumps(saved), encoding="utf-8")
    window.controller.extent = Extent.from_dict(json.loads(record.read_text(encoding="utf-8")))


def test_copies_recorded_by_input_stay_counted_when_it_is_searched_without_subfolders(
    window, qtbot, tmp_path, real_cells
):
    """Counted at their input by an older record, the slide's 3 copies, 1 of them in its
    subfolder, were all dropped by a search of the slide without subfolders, which found
    only its own 2 again: the case said 2 files were left out, not 3."""
    folder = slide_with_copies_in_a_subfolder(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    recorded_by_input(window, tmp_path)
    assert window.controller.extent.copies.found_in == ((str(folder), 3),)
    screen_again(window, qtbot, [folder], recursive=False)
    assert window.controller.extent.copies.count == 3
    screen_again(window, qtbot, [folder], recursive=False)
    assert window.controller.extent.copies.count == 3
    screen_again(window, qtbot, [folder], recursive=True)
    copies = window.controller.extent.copies
    assert len(window.batch) == 5 and copies.count == 3 and not copies.found_in


def test_copies_recorded_by_input_stay_counted_once_when_a_subfolder_is_searched(
    window, qtbot, tmp_path, real_cells
):
    """Counted at their input by an older record, the slide's 3 copies stayed, and the
    search of its subfolder counted the copy there once more: 4 were left out, not 3."""
    folder = slide_with_copies_in_a_subfolder(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    recorded_by_input(window, tmp_path)
    screen_again(window, qtbot, [folder / "sub"])
    copies = window.controller.extent.copies
    assert copies.count == 3 and copies.found_in == ((str(folder), 3),)
