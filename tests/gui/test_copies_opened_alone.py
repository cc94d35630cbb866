"""Copies left out of a folder, then one file of it opened alone: in the real window with
real cells, the case counts each copy once."""

from __future__ import annotations

import json
import shutil

from malariascope.core.extent import Extent
from tests.gui.helpers import screen_and_wait
from tests.gui.test_copies_searched_again import (
    copies_named,
    screen_again,
    slide_with_copies,
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
