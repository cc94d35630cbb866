"""Where a command's arguments may stand on its command line."""

from __future__ import annotations

from tests.command_line import cli
from tests.reports import read_rows


def test_paths_given_before_and_after_the_options_are_all_screened(tmp_path, capsys, real_cells):
    """`classify slide1/ --csv r.csv slide2/` refused slide2/ as an unrecognized argument,
    pointing to the top-level help: a command's paths may come on either side of options."""
    first, second = real_cells["parasitized"][0], real_cells["uninfected"][0]
    out = tmp_path / "r.csv"
    result = cli(capsys, "classify", first, "--csv", out, second, "--threshold", "0.3")
    assert result.code == 0, result.err
    rows = read_rows(out)
    assert [row["image_path"] for row in rows] == [str(first), str(second)]
    assert {row["threshold"] for row in rows} == {"0.3000"}
