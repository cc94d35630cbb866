"""The committed model meets the bar on the NIH test split (2,600 cells of unseen slides)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_bundled_model_meets_the_bar(cell_test_dir, tmp_path):
    out = tmp_path / "metrics.json"
    result = subprocess.run(
        [sys.executable, "-m", "malariascope", "evaluate", str(cell_test_dir), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(out.read_text(encoding="utf-8"))
    for key in (
        "accuracy",
        "sensitivity",
        "specificity",
        "precision",
        "f1",
        "auc",
        "ece",
        "n",
        "confusion",
    ):
        assert key in metrics
    assert metrics["n"] == 2600
    assert metrics["accuracy"] >= 0.970
    assert metrics["auc"] >= 0.995
    assert metrics["sensitivity"] >= 0.965
