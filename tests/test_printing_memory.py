"""What a written PDF report leaves behind in the process: nothing of Qt's writer."""

from __future__ import annotations

import pytest

from malariascope.printing.content import CaseReport
from malariascope.printing.pdf import write_case_pdf
from tests.reports import read_pdf
from tests.test_printing import a_case, gallery

pytestmark = pytest.mark.usefixtures("qapp")


def live_pdf_writers() -> int:
    import shiboken6
    from PySide6.QtGui import QPdfWriter

    return sum(isinstance(wrapper, QPdfWriter) for wrapper in shiboken6.getAllValidWrappers())


def test_each_pdf_written_frees_its_pdf_writer(tmp_path):
    """A window writes a PDF for every case signed: each writer, with its PDF engine, goes
    once its PDF is written, and the PDFs are whole."""
    case, _ = a_case()
    report = CaseReport(case, case.signed.result, gallery(3))
    before = live_pdf_writers()
    for number in range(3):
        write_case_pdf(tmp_path / f"case-{number}.pdf", report)
    assert live_pdf_writers() == before
    for number in range(3):
        _, text, images = read_pdf(tmp_path / f"case-{number}.pdf")
        assert images == 3 and "Slide (sample) id S-2026-0412" in text
