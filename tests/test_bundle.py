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

import pytest

from tests.images import make_cell_folder

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


def test_bundle_has_no_link_pointing_at_nothing():
    assert [str(p) for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()] == []


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
