"""The frozen app, run as a user runs it: the bundled CLI screens cells, the window comes up.

Like pymmcore-gui's ``tests/test_bundle.py``: when a bundle has been built (``python
packaging/build.py`` makes ``dist/MalariaScope``), run its executables with a quit-after flag
and assert exit 0; otherwise skip and say how to build one.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.images import make_cell, make_cell_folder, write_field, write_rgb

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "MalariaScope"
EXE = ".exe" if sys.platform == "win32" else ""
APP, CLI = BUNDLE / f"MalariaScope{EXE}", BUNDLE / f"malariascope-cli{EXE}"

pytestmark = pytest.mark.skipif(
    not (APP.is_file() and CLI.is_file()),
    reason="no bundle built; run python packaging/build.py",
)


def run_frozen(exe: Path, *args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env)


def source_card() -> dict:
    return json.loads((ROOT / "models" / "model-card.json").read_text(encoding="utf-8"))


def test_bundle_ships_the_current_onnx_model_and_no_keras_file():
    bundled = BUNDLE / "_internal" / "models"
    assert json.loads((bundled / "model-card.json").read_text(encoding="utf-8")) == source_card(), (
        "dist/MalariaScope holds an older model card: rebuild with python packaging/build.py"
    )
    assert (bundled / source_card()["files"]["onnx"]["name"]).is_file()
    assert not list(BUNDLE.rglob("*.keras"))


def test_bundled_cli_classifies_cells_to_csv(tmp_path):
    make_cell_folder(tmp_path / "cells", 4)
    report = tmp_path / "report.csv"
    result = run_frozen(CLI, "classify", tmp_path / "cells", "--csv", report)
    assert result.returncode == 0, result.stderr
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert {row["status"] for row in rows} == {"ok"}
    assert all(row["model"].endswith("(onnx)") for row in rows)


def classify(tmp_path: Path, *paths: Path, gradcam: bool = False) -> list[dict]:
    report = tmp_path / "report.csv"
    extra = ["--gradcam", tmp_path / "overlays"] if gradcam else []
    result = run_frozen(CLI, "classify", *paths, "--csv", report, *extra)
    assert result.returncode == 0, result.stderr
    with open(report, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bundled_cli_decodes_every_image_format_it_offers(tmp_path):
    """OpenCV's codecs are in the bundle, and none reaches a library left out of it."""
    cell = make_cell(parasitized=True)
    folder = tmp_path / "formats"
    folder.mkdir()
    for suffix in (".png", ".jpg", ".tif", ".webp", ".jp2", ".gif", ".bmp", ".ppm"):
        write_rgb(folder / f"cell{suffix}", cell)
    write_rgb(folder / "cell16.tiff", cell.astype(np.uint16) * 257)
    rows = classify(tmp_path, folder)
    assert len(rows) == 9
    assert [row["error"] for row in rows if row["status"] != "ok"] == []


def test_bundled_cli_screens_a_whole_field_with_gradcam(tmp_path):
    field, boxes = write_field(tmp_path / "field.png")
    rows = classify(tmp_path, field, gradcam=True)
    assert len(rows) >= len(boxes) * 0.8  # the field's cells, each with its box
    assert all(row["status"] == "ok" and row["cell_w"] for row in rows)
    assert len(list((tmp_path / "overlays").rglob("*.png"))) == len(rows)


def test_bundle_has_no_link_pointing_at_nothing():
    assert [str(p) for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the stubs are for Linux")
def test_opencv_video_and_blas_libraries_are_stubs_and_what_only_they_used_is_gone():
    libs = BUNDLE / "_internal" / "opencv_python_headless.libs"
    sizes = {path.name.split("-")[0]: path.stat().st_size for path in libs.iterdir()}
    for stubbed in ("libavcodec", "libavformat", "libavutil", "libswscale", "libopenblasp"):
        assert sizes[stubbed] < 100_000, f"{stubbed} is the real library: was cc missing?"
    assert not {"libswresample", "libvpx", "libdav1d", "libgfortran", "libquadmath"} & set(sizes)


def test_bundled_cli_has_no_tensorflow_and_says_so(tmp_path):
    result = run_frozen(CLI, "classify", ROOT / "models", "--csv", tmp_path / "report.csv",
                        "--backend", "tensorflow")
    assert result.returncode == 2
    assert "malariascope[train]" in result.stderr


def test_bundled_app_passes_its_smoke_test(tmp_path):
    make_cell_folder(tmp_path / "cells", 2)
    result = run_frozen(APP, "gui", "--smoke-test", tmp_path / "cells")
    assert result.returncode == 0, result.stdout + result.stderr
    if sys.platform != "win32":  # a windowed .exe has no stdout
        assert "window shown in" in result.stdout
