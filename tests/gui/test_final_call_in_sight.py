"""The cell list with large text: the final call stays on screen, whatever the width leaves."""

from __future__ import annotations

from malariascope.gui.results_table import CALL, FILE, FINAL, HEADERS, PROB
from tests.gui.helpers import resize_window, screen_and_wait
from tests.images import make_cell_folder


def test_in_a_narrow_window_the_final_call_is_in_sight_beside_the_file(
        window, qtbot, tmp_path):
    """At 1280 x 800 with QT_FONT_DPI=144 (Qt scales by 1.5: 853 x 533 of its pixels) the
    Final call column was off the right edge, so a row read "parasitized ✎ overridden" for a
    cell whose final call was uninfected."""
    make_cell_folder(tmp_path / "cells", 6)
    resize_window(window, qtbot, 853, 533)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    table, header = window.table, window.table.horizontalHeader()
    left = header.sectionViewportPosition(FINAL)
    assert 0 <= left and left + header.sectionSize(FINAL) <= table.viewport().width()
    assert header.visualIndex(FINAL) == header.visualIndex(FILE) + 1  # read first
    assert header.visualIndex(PROB) < header.visualIndex(CALL)  # then what the model said
    assert (HEADERS[FINAL], HEADERS[CALL]) == ("Final call", "Model call")
