"""``classify --mode``: what each mode makes of a real whole field and a real cell."""

from __future__ import annotations

import pytest

from tests.command_line import cli
from tests.conftest import SHARED_DATA
from tests.reports import read_rows, read_summary

FIELDS = SHARED_DATA / "fields"


@pytest.fixture
def real_field():
    field = FIELDS / "PA171702.JPG"
    if not field.exists():
        pytest.skip(f"real whole fields not found at {FIELDS}")
    return field


def test_a_field_forced_through_mode_cell_is_told_in_one_line(real_field, real_cells,
                                                              tmp_path, capsys):
    """A whole field given with --mode cell was reported as one cell, 100 % parasitized,
    exit 0, with no word that it looked like a field."""
    out = tmp_path / "report.csv"
    cell = real_cells["uninfected"][0]
    result = cli(capsys, "classify", real_field, cell, "--mode", "cell", "--csv", out)
    assert result.code == 0, result.err
    told = [line for line in result.err.splitlines() if "--mode cell" in line]
    assert told == ["malariascope: --mode cell screened each image as one cell, 1 image that "
                    "looks like a whole field among them: --mode auto or --mode field screens "
                    "each cell found in a field"]
    assert [row["cell_index"] for row in read_rows(out)] == ["", ""]  # as asked: one row each
    assert read_summary(tmp_path / "report_summary.csv")[0]["fields"] == "0"
    alone = cli(capsys, "classify", cell, "--mode", "cell", "--csv", out, "--overwrite")
    assert alone.code == 0 and "--mode" not in alone.err, alone.err
