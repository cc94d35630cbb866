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


def test_a_slide_screened_again_leaves_its_earlier_overlays_out(tmp_path, capsys, real_cells):
    """Overlays written into a subfolder of the slide's folder were screened as cells by the
    next run without --gradcam: the uninfected cell's overlay was called parasitized, and the
    slide's parasitemia rose from 50 % to 75 %."""
    slide = tmp_path / "slide"
    slide.mkdir()
    for label in ("parasitized", "uninfected"):
        shutil.copy(real_cells[label][0], slide / f"{label}.png")
    first = cli(capsys, "classify", slide, "--csv", tmp_path / "r1.csv", "--gradcam",
                slide / "cam")
    assert first.code == 0 and len(list((slide / "cam").iterdir())) == 2, first.err
    again = cli(capsys, "classify", slide, "--csv", tmp_path / "r2.csv")
    assert again.code == 0, again.err
    assert again.err.startswith("2 images: 2 cells classified, 1 parasitized (50.00 %)")
    named = cli(capsys, "classify", *(slide / "cam").iterdir(), "--csv", tmp_path / "r3.csv")
    assert named.err.startswith("2 images: 2 cells classified")  # named, they are read
