"""``classify --gradcam``: an overlay for every cell, whatever its image is named; folders
that cannot take overlays refused at once, and overlays already there kept or left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.images import make_cell_folder
from tests.reports import read_rows


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
    assert again.out.startswith("2 images: 2 cells classified, 1 parasitized (50.00 %)")
    named = cli(capsys, "classify", *(slide / "cam").iterdir(), "--csv", tmp_path / "r3.csv")
    assert named.out.startswith("2 images: 2 cells classified")  # named, they are read


def test_a_gradcam_path_that_cannot_take_files_is_refused_at_once(tmp_path, capsys):
    make_cell_folder(tmp_path / "cells", 2)
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    for cam, words in ((tmp_path / "afile", "is a file: name a folder"),
                       (tmp_path / "afile" / "cam", "cannot write Grad-CAM overlays to"),
                       (tmp_path / "cells", "is an input folder")):
        result = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
                     "--gradcam", cam)
        assert result.code == 2
        assert result.err.startswith("malariascope: error: ") and words in result.err
        assert result.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "cells"]


@pytest.mark.parametrize("place", ["r.csv", "r_summary.csv"])
def test_a_gradcam_folder_named_as_the_report_is_told_as_such(tmp_path, capsys, place):
    """--gradcam r.csv --csv r.csv made the folder r.csv, loaded the model, then refused the
    report as 'r.csv is a folder', a folder the user never named."""
    make_cell_folder(tmp_path / "cells", 2)
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
                 "--gradcam", tmp_path / place)
    role = "--csv report" if place == "r.csv" else "report's summary"
    assert (result.code, result.err) == (
        2, f"malariascope: error: --gradcam {tmp_path / place} is the {role}: name another "
           "folder\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells"]


def test_a_read_only_gradcam_folder_is_refused_at_once(tmp_path, capsys):
    from tests.faults import read_only

    make_cell_folder(tmp_path / "cells", 2)
    cam = tmp_path / "cam"
    cam.mkdir()
    with read_only(cam / "overlay.png"):
        result = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
                     "--gradcam", cam)
    assert result.code == 2
    assert result.err.startswith(f"malariascope: error: cannot write Grad-CAM overlays to {cam}: ")
    assert "read-only" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "r.csv").exists()


def test_overlays_that_fail_mid_batch_stop_and_the_report_is_whole(tmp_path, capsys):
    import hashlib

    cells = make_cell_folder(tmp_path / "cells", 5)
    sha = hashlib.sha256(cells[2].read_bytes()).hexdigest()[:8]
    blocked = tmp_path / "cam" / f"cell_2_{sha}_gradcam.png"
    blocked.mkdir(parents=True)  # where the third overlay goes: even --overwrite fails there
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", out, "--gradcam",
                 tmp_path / "cam", "--overwrite")
    assert result.code == 1
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "no more Grad-CAM overlays" in warnings[0]
    assert [r["status"] for r in read_rows(out)] == ["ok"] * 5
    written = sorted(p.name[:6] for p in (tmp_path / "cam").iterdir() if p.is_file())
    assert written == ["cell_0", "cell_1"]


def test_overlays_inside_an_input_folder_are_not_screened(tmp_path, capsys):
    make_cell_folder(tmp_path / "slides", 3)
    out = tmp_path / "report.csv"
    for again in ((), ("--overwrite",)):  # the second run finds the first run's overlays there
        result = cli(capsys, "classify", tmp_path / "slides", "--csv", out,
                     "--gradcam", tmp_path / "slides" / "overlays", *again)
        assert result.code == 0, result.err
        assert [Path(r["image_path"]).parent.name for r in read_rows(out)] == ["slides"] * 3
    assert len(list((tmp_path / "slides" / "overlays").iterdir())) == 3


def test_a_run_that_finds_nothing_leaves_no_overlay_folder_behind(tmp_path, capsys):
    (good,) = make_cell_folder(tmp_path / "cells", 1)
    overlays = tmp_path / "new" / "overlays"
    result = cli(capsys, "classify", tmp_path / "typo", "--csv", tmp_path / "report.csv",
                 "--gradcam", overlays)
    assert result.code == 2 and "no images found" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells"]
    result = cli(capsys, "classify", good, "--csv", tmp_path / "report.csv", "--gradcam",
                 overlays)
    assert result.code == 0, result.err
    assert len(list(overlays.iterdir())) == 1


def test_existing_overlays_are_kept_without_overwrite(tmp_path, capsys, real_cells):
    """A second run into the same --gradcam folder replaced the first run's overlays (and any
    file of an overlay's name) without being asked."""
    cells = tmp_path / "cells"
    cells.mkdir()
    for path in real_cells["parasitized"][:3]:
        (cells / path.name).write_bytes(path.read_bytes())
    cam = tmp_path / "cam"
    first = cli(capsys, "classify", cells, "--csv", tmp_path / "r1.csv", "--gradcam", cam)
    assert first.code == 0, first.err
    mine = sorted(cam.iterdir())[1]
    mine.write_bytes(b"keep me")
    before = {path: path.read_bytes() for path in cam.iterdir()}
    again = cli(capsys, "classify", cells, "--csv", tmp_path / "r2.csv", "--gradcam", cam)
    assert again.code == 1
    assert ("malariascope: warning: 3 Grad-CAM overlays not written, as files of their names "
            "exist and were kept") in again.err and "pass --overwrite" in again.err
    assert {path: path.read_bytes() for path in cam.iterdir()} == before
    assert len(read_rows(tmp_path / "r2.csv")) == 3  # the report is written all the same
    replaced = cli(capsys, "classify", cells, "--csv", tmp_path / "r3.csv", "--gradcam", cam,
                   "--overwrite")
    assert replaced.code == 0, replaced.err
    assert mine.read_bytes().startswith(b"\x89PNG") and len(list(cam.iterdir())) == 3
