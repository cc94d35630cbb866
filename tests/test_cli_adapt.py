"""``malariascope adapt``: a lab's cells in, a model folder out that ``--model`` takes."""

from __future__ import annotations

import shutil

from malariascope.core.modelfiles import bundled_dir
from tests.command_line import cli
from tests.core.test_adapt_model import write_lab
from tests.reports import read_rows


def test_adapt_writes_a_model_that_classify_takes(tmp_path, capsys):
    cells = write_lab(tmp_path / "cells")
    broken = next((cells / "uninfected").rglob("*.png")).with_name("broken.png")
    broken.write_bytes(b"")  # left out, and said so: only the card counted it
    result = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert result.code == 0, result.err
    assert (f"malariascope: warning: {cells.resolve()}: 1 image or cell skipped (unreadable, "
            "or a reviewed cell not found again)") in result.err
    broken.unlink()
    assert "Before  Adapted" in result.out and "(specificity)" in result.out
    assert sorted(p.name for p in (tmp_path / "lab").iterdir()) == ["README.md",
                                                                    "model-card.json"]
    again = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert again.code == 2 and "pass --overwrite" in again.err
    report = tmp_path / "report.csv"
    screened = cli(capsys, "classify", cells / "uninfected", "--model", tmp_path / "lab",
                   "--csv", report)
    assert screened.code == 0, screened.err
    assert all("adapted" in row["model"] for row in read_rows(report))


def test_too_few_cells_are_one_line_and_no_folder(tmp_path, capsys):
    cells = write_lab(tmp_path / "cells")
    for extra in sorted((cells / "parasitized").rglob("*.png"))[20:]:
        extra.unlink()
    result = cli(capsys, "adapt", cells, "--out", tmp_path / "lab")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "at least 25 of each class" in result.err
    assert not (tmp_path / "lab").exists()


def test_the_base_models_folder_is_refused_before_any_work(tmp_path, capsys):
    base = shutil.copytree(bundled_dir(), tmp_path / "base")
    result = cli(capsys, "adapt", tmp_path / "nothing-here", "--base", base, "--out", base)
    assert result.code == 2 and "never over it" in result.err


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    """It was refused only once every cell was read and ten folds measured (1.5 min)."""
    (tmp_path / "afile").write_text("the lab's own file")
    result = cli(capsys, "adapt", tmp_path / "nothing-here", "--out", tmp_path / "afile")
    assert (result.code, result.err) == (
        2, f"malariascope: error: {tmp_path / 'afile'} is a file: name a folder for the "
           "adapted model\n")
    assert (tmp_path / "afile").read_text() == "the lab's own file"
