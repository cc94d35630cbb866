"""What `classify` writes where, as every command does: what it did and the files it wrote on
stdout, its problems on stderr; so a script keeps the one and logs the other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command_line import cli
from tests.reports import read_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def slide(tmp_path, real_cells) -> Path:
    """A folder of one real cell and one empty file named as an image."""
    folder = tmp_path / "slide"
    folder.mkdir()
    shutil.copy(real_cells["parasitized"][0], folder / "cell.png")
    (folder / "broken.png").write_bytes(b"")
    return folder


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_classify_tells_its_totals_and_files_on_stdout_and_its_problems_on_stderr(
        tmp_path, capsys, slide):
    """classify wrote its totals and "PDF report" to stderr, while split, cases export, adapt
    and train tell theirs on stdout."""
    report, pdf = tmp_path / "r.csv", tmp_path / "slide.pdf"
    result = cli(capsys, "classify", slide, "--csv", report, "--pdf", pdf)
    assert result.code == 1
    assert result.err == "broken.png: empty file (0 bytes)\n"
    assert result.out.splitlines() == [
        "2 images: 1 cell classified, 1 parasitized (100.00 %), 0 uninfected, 1 error, "
        f"0 non-image files skipped; report {report}", f"PDF report {pdf}"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_totals_that_cannot_be_written_leave_the_report_and_the_pdf_in_place(tmp_path, slide):
    """The totals are written once the PDF is in place: stdout on a full disk is one line
    and exit 1, never a new report beside an old PDF."""
    report, pdf = tmp_path / "r.csv", tmp_path / "slide.pdf"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "malariascope", "classify", str(slide), "--csv",
             str(report), "--pdf", str(pdf)],
            cwd=ROOT, env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=180)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "broken.png: empty file (0 bytes)",
        "malariascope: error: cannot write the output: No space left on device (the disk is "
        "full: free some space or choose another location)"]
    assert [row["status"] for row in read_rows(report)] == ["error", "ok"]  # broken.png first
    assert pdf.read_bytes().startswith(b"%PDF")
