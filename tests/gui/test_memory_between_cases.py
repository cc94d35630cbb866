"""What a window keeps of a case once a new case replaces it: nothing laid out for its rows."""

from __future__ import annotations

import shutil
from pathlib import Path

from malariascope.gui.results_table import FILE
from tests.gui.helpers import screen_and_wait


def test_a_new_case_drops_the_names_laid_out_for_the_old_cells(window, qtbot, tmp_path: Path,
                                                               real_cells):
    """The cell list keeps each file name as laid out in its column while the rows are on
    show; a new case's cells have other names, so those of the old case go with it."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in real_cells["parasitized"][:4] + real_cells["uninfected"][:4]:
        shutil.copy(path, folder / path.name)
    screen_and_wait(window, qtbot, [folder])
    names = window.table.itemDelegateForColumn(FILE)
    window.table.viewport().repaint()
    qtbot.waitUntil(lambda: len(names._laid_out) >= 8)
    assert window.case_flow.new_case(ask=False)
    assert len(window.batch) == 0
    assert names._laid_out == {}
