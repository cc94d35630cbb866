"""A picture that is no blood smear, screened as a whole field in the real window: one row
refused, saying why, and the case's cells those of the real field alone."""

from __future__ import annotations

from malariascope.core.withoutcall import NOT_A_SMEAR
from tests.gui.helpers import screen_and_wait
from tests.images import FIELD_CELLS, write_field, write_rgb
from tests.nonsmears import green_cells


def test_a_board_like_picture_is_one_refused_row_not_red_cells(window, qtbot, tmp_path):
    """A circuit-board photo opened in a case showed 165 red cells, 2 parasitized,
    parasitemia 1.21 %."""
    folder = tmp_path / "slide"
    folder.mkdir()
    write_field(folder / "field.png")
    write_rgb(folder / "board.jpg", green_cells())
    screen_and_wait(window, qtbot, [folder])
    assert (window.batch.counts.classified, window.batch.counts.errors) == (FIELD_CELLS, 1)
    (row,) = [at for at, r in enumerate(window.batch.results) if r.path.name == "board.jpg"]
    reason = window.batch.results[row].error
    assert reason.startswith(f"{NOT_A_SMEAR}what looks like cells is no redder")
    window.table.select_source_row(row)
    assert window.detail.canvas.message == (
        f"Read, and refused as no stained cell image:\n{reason}"
        "\n\nNo call: nothing to review, no Grad-CAM"
    )
    assert window.detail.fact("Cell") == "whole field"  # its "cells" were found, then refused
