"""A folder holding a symlink loop named like an image is screened whole in the window."""

from __future__ import annotations

import os

from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


def test_a_symlink_loop_in_the_folder_is_an_error_row_not_the_end_of_the_batch(
        window, qtbot, tmp_path):
    folder = make_cell_folder(tmp_path / "cells", 3)[0].parent
    os.symlink("loop_b.png", folder / "loop_a.png")
    os.symlink("loop_a.png", folder / "loop_b.png")
    screen_and_wait(window, qtbot, [folder])
    errors = {result.path.name: result.error for result in window.batch.results
              if not result.ok}
    assert set(errors) == {"loop_a.png", "loop_b.png"}
    assert all("symbolic links" in reason for reason in errors.values()), errors
    assert window.batch.counts.classified == 3
