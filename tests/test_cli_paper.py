"""``classify --pdf --paper``: the PDF's paper, as asked, or as the window's for the locale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.images import make_cell_folder
from tests.reports import read_pdf, read_summary

ROOT = Path(__file__).resolve().parents[1]
PAGE_POINTS = {"a4": (595, 842), "letter": (612, 792)}


def page_points(pdf: Path) -> set[tuple[int, int]]:
    reader, _, _ = read_pdf(pdf)
    return {(round(page.mediabox.width), round(page.mediabox.height)) for page in reader.pages}


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
@pytest.mark.parametrize("paper", ["a4", "letter", "A4", "Letter"])
def test_the_pdf_is_printed_on_the_paper_asked_for(tmp_path, capsys, paper):
    """classify --pdf printed on A4 only, where the window prints on the paper chosen."""
    cells = make_cell_folder(tmp_path / "cells", 2)
    pdf = tmp_path / "slide.pdf"
    run = cli(capsys, "classify", *cells, "--csv", tmp_path / "r.csv", "--pdf", pdf,
              "--paper", paper)
    assert run.code == 0, run.err
    assert page_points(pdf) == {PAGE_POINTS[paper.lower()]}
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert not any("paper" in key for key in summary)  # the paper is the PDF's alone


def test_without_paper_the_pdf_takes_the_windows_paper_for_the_locale(tmp_path):
    """In a US locale the window prints on Letter, and classify --pdf on A4 all the same."""
    cells = make_cell_folder(tmp_path / "cells", 2)
    pdf = tmp_path / "slide.pdf"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LANG", "LANGUAGE")
           and not key.startswith("LC_")}
    done = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", *map(str, cells), "--csv",
         str(tmp_path / "r.csv"), "--pdf", str(pdf)],
        cwd=ROOT, env={**env, "LC_ALL": "en_US.UTF-8"}, capture_output=True, text=True,
        timeout=180)
    assert done.returncode == 0, done.stderr
    assert page_points(pdf) == {PAGE_POINTS["letter"]}


@pytest.mark.parametrize("paper", ["a5", "legal", ""])
def test_a_paper_the_report_is_not_laid_out_for_is_refused_before_screening(
        tmp_path, capsys, paper):
    cells = make_cell_folder(tmp_path / "cells", 2)
    run = cli(capsys, "classify", *cells, "--csv", tmp_path / "r.csv", "--pdf",
              tmp_path / "slide.pdf", "--paper", paper)
    assert run.code == 2
    assert f"--paper: invalid choice: '{paper}' (choose from 'a4', 'letter')" in run.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]


def test_paper_without_a_pdf_is_refused_before_screening(tmp_path, capsys):
    """``--paper letter`` without ``--pdf`` was taken in silence and printed nothing."""
    cells = make_cell_folder(tmp_path / "cells", 2)
    run = cli(capsys, "classify", *cells, "--csv", tmp_path / "r.csv", "--paper", "letter")
    assert run.code == 2
    assert "--paper sets the PDF report's paper: give --pdf FILE too" in run.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]
