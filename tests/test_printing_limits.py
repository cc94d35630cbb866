"""A case's PDF at the limits of its facts, read back and looked at as printed pages."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from malariascope.core.case import LINE_MAX, Case, CaseFacts
from malariascope.core.tally import Counts
from malariascope.printing.content import CaseReport
from malariascope.printing.pdf import MARGIN_MM, write_case_pdf

pytestmark = pytest.mark.usefixtures("qapp")

A4_POINTS = (595, 842)


def printed_text(path: Path, page_points: tuple[int, int] = A4_POINTS) -> list[str]:
    """Each page's text that poppler finds inside the margins, where a printer prints it, with
    no whitespace: text run past the margin is clipped from the page and left out here."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the printed pages")
    margin = round(MARGIN_MM / 25.4 * 72) - 1
    width, height = page_points
    pages = subprocess.run(
        ["pdftotext", "-r", "72", "-x", str(margin), "-y", "0", "-W", str(width - 2 * margin),
         "-H", str(height), path, "-"], check=True, capture_output=True, text=True).stdout
    return ["".join(unicodedata.normalize("NFKC", page).split())
            for page in pages.split("\f")[:-1]]


def test_a_long_slide_and_patient_id_are_printed_whole_in_every_footer(tmp_path):
    """A slide id and a patient id of 100 characters ran the footer's one line past the page
    number and off the paper's edge: the patient's id was cut off every page."""
    slide, patient = "S" * LINE_MAX, "P" * (LINE_MAX - 4) + "9876"
    case = Case(CaseFacts(sample_id=slide, patient_id=patient))
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts())))
    (page,) = printed_text(path)
    footer = page.split("examineathickfilm")[1]
    assert f"Slide{slide}·patient{patient}·MalariaScope" in footer
    assert "Page1of1" in footer
