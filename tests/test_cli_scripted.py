"""The command line as a lab's nightly job meets it: folders laid out with links, paths made by
a script, output logged or piped; whatever goes wrong is one line and an exit code."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.reports import read_rows

NOT_FOLLOWED = "a symlink to a folder, not followed inside a folder (name it to screen it)"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need a privilege on Windows")
def test_a_symlinked_folder_inside_a_folder_is_told_not_left_out_unsaid(
        tmp_path, capsys, real_cells):
    """A folder holding the day's images through a symlink (incoming/today -> the scope's
    share) was screened without them, exit 0 and no word of them: the slide's count left
    out every cell of the day. A link to a folder the search reaches anyway, later in the
    same folder or given too, is no loss."""
    incoming, scope = tmp_path / "incoming", tmp_path / "scope"
    for folder in (incoming / "z real", scope):
        folder.mkdir(parents=True)
    shutil.copy(real_cells["parasitized"][0], incoming / "z real" / "cell.png")
    for path in real_cells["uninfected"][:2]:
        shutil.copy(path, scope / path.name)
    (incoming / "a to z").symlink_to(incoming / "z real", target_is_directory=True)
    (incoming / "today").symlink_to(scope, target_is_directory=True)
    report = tmp_path / "report.csv"
    result = cli(capsys, "classify", incoming, "--csv", report)
    assert result.code == 1
    assert f"today: {NOT_FOLLOWED}: not screened\n" in result.err
    assert [(Path(row["image_path"]).name, row["status"]) for row in read_rows(report)] == [
        ("cell.png", "ok"), ("today", "error")]
    result = cli(capsys, "classify", incoming, scope, "--csv", report, "--overwrite")
    assert result.code == 0, result.err
    assert [row["status"] for row in read_rows(report)] == ["ok"] * 3
    (scope / "back").symlink_to(incoming, target_is_directory=True)
    result = cli(capsys, "classify", scope, "--csv", report, "--overwrite", "--no-recursive")
    assert result.code == 0, result.err  # a subfolder left out as asked
    assert [row["status"] for row in read_rows(report)] == ["ok"] * 2
