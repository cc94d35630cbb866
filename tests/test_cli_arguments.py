"""Where a command's arguments may stand on its command line."""

from __future__ import annotations

import shutil

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


def test_a_path_after_a_double_dash_is_a_path_even_when_it_begins_with_a_dash(
        tmp_path, capsys, real_cells, monkeypatch):
    """`classify --csv r.csv -- -x.png`, the safe way a script passes names, was refused:
    the parse that lets paths stand on both sides of options used up the `--`."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(real_cells["parasitized"][0], tmp_path / "-x.png")
    result = cli(capsys, "classify", "--csv", "r.csv", "--", "-x.png")
    assert result.code == 0, result.err
    rows = read_rows(tmp_path / "r.csv")  # a leading dash is quoted, as a formula would be
    assert [(row["image_path"], row["status"]) for row in rows] == [("'-x.png", "ok")]
