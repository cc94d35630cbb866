"""``classify --gradcam``: an overlay for every cell, whatever its image is named."""

from __future__ import annotations

import shutil

from tests.command_line import cli


def test_an_image_named_near_the_longest_name_still_gets_its_overlay(tmp_path, capsys,
                                                                     real_cells):
    """The overlay's name adds the hash and '_gradcam.png' to the image's: past 255 bytes it
    could not be written, and that stopped every overlay after it in the batch."""
    cells = tmp_path / "cells"
    cells.mkdir()
    longest = "é" * 125 + ".png"  # 254 bytes (é takes 2): a name may have 255
    shutil.copy(real_cells["parasitized"][0], cells / longest)
    shutil.copy(real_cells["uninfected"][0], cells / "short.png")
    result = cli(capsys, "classify", cells, "--csv", tmp_path / "r.csv", "--gradcam",
                 tmp_path / "cam")
    assert result.code == 0, result.err
    short, cut = sorted(path.name for path in (tmp_path / "cam").iterdir())
    assert short.startswith("short_")
    assert cut.startswith("é" * 50) and cut.endswith("_gradcam.png")
