"""``classify`` of a slide with a picture that is no blood smear among its fields: one error
row saying so, the slide's figures those of its real cells. Real files written and read."""

from __future__ import annotations

from malariascope.core.withoutcall import NOT_A_SMEAR
from tests.command_line import cli
from tests.images import FIELD_CELLS, write_field, write_rgb
from tests.nonsmears import green_cells
from tests.reports import read_rows, read_summary


def test_a_picture_unlike_a_smear_is_an_error_row_and_leaves_the_target_unreached(
    tmp_path, capsys
):
    """A circuit-board photo gave 165 "cells" beside a field's 254 and reported the slide's
    target of 400 cells reached."""
    (tmp_path / "slide").mkdir()
    write_field(tmp_path / "slide" / "field.png")
    write_rgb(tmp_path / "slide" / "board.jpg", green_cells())
    out = tmp_path / "r.csv"
    run = cli(capsys, "classify", tmp_path / "slide", "--csv", out, "--target-cells", "100")
    assert run.code == 1, run.err
    rows = read_rows(out)
    (board,) = [row for row in rows if row["image_path"].endswith("board.jpg")]
    assert board["error"].startswith(f"{NOT_A_SMEAR}what looks like cells is no redder")
    assert sum(not row["error"] for row in rows) == FIELD_CELLS == len(rows) - 1
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert (summary["classified"], summary["errors"]) == (str(FIELD_CELLS), "1")
    assert summary["target_reached"] == "false"
    assert f"board.jpg: {NOT_A_SMEAR}what looks like cells is no redder" in run.err
