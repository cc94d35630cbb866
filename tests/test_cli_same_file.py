"""Two outputs of one run named as one file by another spelling: a link, `./`, a folder
reached twice, or (on a disk that ignores letter case) `R.csv` and `r.csv`. They are
refused in one line before any screening, not left to the report's lock to trip over."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.command_line import cli
from tests.reports import read_rows


@pytest.fixture
def run_folder(tmp_path, real_cells, monkeypatch):
    """The working folder, with one real cell and `alias`, a link to the folder itself."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(real_cells["parasitized"][0], tmp_path / "cell.png")
    (tmp_path / "alias").symlink_to(tmp_path, target_is_directory=True)
    return tmp_path


@pytest.mark.parametrize("pdf, words", [
    ("alias/R.csv", "--pdf alias/R.csv is the --csv report, R.csv, by another name"),
    ("alias/R_summary.csv",
     "--pdf alias/R_summary.csv is the report's summary, R_summary.csv, by another name"),
    ("./R.csv", "--pdf R.csv is the --csv report"),
])
def test_the_pdf_named_as_the_report_by_another_spelling_is_refused_before_screening(
        run_folder, capsys, pdf, words):
    """`--csv R.csv --pdf alias/R.csv` screened, then was refused as 'another MalariaScope
    run is writing alias/R.csv'."""
    result = cli(capsys, "classify", "cell.png", "--csv", "R.csv", "--pdf", pdf)
    assert (result.code, result.err) == (2, f"malariascope: error: {words}: name another file\n")
    assert sorted(os.listdir(run_folder)) == ["alias", "cell.png"]


def test_a_pdf_link_to_where_the_report_goes_is_refused_before_screening(run_folder, capsys):
    """A link whose file is not made yet is no file os.path.samefile could compare."""
    (run_folder / "link.pdf").symlink_to(run_folder / "R.csv")
    result = cli(capsys, "classify", "cell.png", "--csv", "R.csv", "--pdf", "link.pdf")
    assert result.code == 2
    assert "--pdf link.pdf is the --csv report, R.csv, by another name" in result.err
    assert not (run_folder / "R.csv").exists()


def test_a_gradcam_folder_named_as_the_report_through_a_link_is_refused(run_folder, capsys):
    result = cli(capsys, "classify", "cell.png", "--csv", "R.csv", "--gradcam", "alias/R.csv")
    assert (result.code, result.err) == (
        2, "malariascope: error: --gradcam alias/R.csv is the --csv report: name another "
           "folder\n")
    assert sorted(os.listdir(run_folder)) == ["alias", "cell.png"]


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_names_that_differ_in_case_are_two_files_on_a_disk_that_heeds_case(run_folder, capsys):
    (run_folder / "probe").write_text("")
    if (run_folder / "PROBE").exists():
        pytest.skip("this disk ignores letter case: R.csv and r.csv are one file on it")
    result = cli(capsys, "classify", "cell.png", "--csv", "R.csv", "--pdf", "r.csv")
    assert result.code == 0, result.err
    assert [row["status"] for row in read_rows(run_folder / "R.csv")] == ["ok"]
    assert (run_folder / "r.csv").read_bytes().startswith(b"%PDF")
