"""Ctrl-C while ``malariascope classify`` screens real single cells in batches: every cell the
model had called when it came is written to the report, and only the cells not yet called
are told not screened.

The child process raises the signal itself once the model has called its first batch, so a
loaded machine cannot move the signal elsewhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from malariascope.core.discovery import Discovery
from tests.reports import read_rows, read_summary

CTRL_C_ONCE_THE_FIRST_BATCH_IS_CALLED = """
import signal, sys
from malariascope.__main__ import main
from malariascope.core.classifier import Classifier

predict = Classifier.predict

def predict_then_ctrl_c(self, cells):
    scores = predict(self, cells)
    print(f"called {len(cells)}", file=sys.stderr, flush=True)
    if not getattr(predict_then_ctrl_c, "signalled", False):
        predict_then_ctrl_c.signalled = True
        signal.raise_signal(signal.SIGINT)
    return scores

Classifier.predict = predict_then_ctrl_c
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("count", [150, 40])  # several batches of 64 cells, and under one
def test_ctrl_c_keeps_every_cell_the_model_called(tmp_path, cell_test_dir, count):
    folder = tmp_path / "cells"
    folder.mkdir()
    for path in sorted(cell_test_dir.glob("*/*.png"), key=lambda path: path.name)[:count]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "report.csv"
    child = subprocess.run(
        [sys.executable, "-c", CTRL_C_ONCE_THE_FIRST_BATCH_IS_CALLED, "classify", str(folder),
         "--csv", str(out)], capture_output=True, text=True, timeout=300)
    called = sum(int(n) for n in re.findall(r"^called (\d+)$", child.stderr, re.MULTILINE))
    assert called == min(count, 64), child.stderr  # no cell was called after the Ctrl-C
    rows = read_rows(out)
    assert len(rows) == called and all(row["call"] in ("parasitized", "uninfected")
                                       for row in rows)
    found = [str(path) for path in Discovery([folder])]  # in the order screened
    assert [row["image_path"] for row in rows] == found[:called]
    batch, _ = read_summary(tmp_path / "report_summary.csv")
    left = count - called
    assert batch["images_not_screened"] == str(left) and child.returncode == (1 if left else 0)
    assert "Traceback" not in child.stderr
