"""How a case's PDF lays its text out, read back line by line: where names wrap, and which
section a reader meets first."""

from __future__ import annotations

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.tally import Counts
from malariascope.printing.content import CaseReport
from malariascope.printing.fields import FieldLine
from malariascope.printing.gallery import Gallery, GalleryCell
from malariascope.printing.pdf import write_case_pdf
from tests.images import make_cell
from tests.reports import read_pdf

pytestmark = pytest.mark.usefixtures("qapp")


def test_a_shortened_name_keeps_its_ellipsis_on_the_line_of_its_text(tmp_path):
    """A long name cut to its end wrapped just after its "…": gallery captions and lines of
    the fields' table printed "…" on a line of its own, the name's text under it."""
    names = [f"PA171693_slide_2026_0412_day_three_morning_session_field_{i:03d}.JPG"
             for i in range(3)] + ["C100P61ThinF_IMG_20150918_144104_cell_162_copy_of_copy.png"]
    case = Case(CaseFacts(sample_id="S-1"))
    cells = [GalleryCell(make_cell(100, True, seed=i), 0.99, f"{name} #12")
             for i, name in enumerate(names)]
    fields = tuple(FieldLine(name, 60, 1, 1, "1.67") for name in names)
    report = CaseReport(case, case.result(Counts()), Gallery(cells), fields=fields)
    reader, _, _ = read_pdf(write_case_pdf(tmp_path / "r.pdf", report))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().split("\n")]
    assert "…" not in lines
    assert sum(line.startswith("…") for line in lines) == 2 * len(names)  # caption, table


def test_a_name_cut_in_its_folder_keeps_the_folders_end_on_the_line_of_the_file(tmp_path):
    """A cell of a subfolder named beyond the caption's length was cut inside its folder's
    name, and the caption wrapped after the slash: a line of its own read "…s/" or "…2/"."""
    names = [f"{folder}/C129P90ThinF_IMG_20151004_133244_cell_{i}.png"
             for i, folder in enumerate(("cells", "cells2", "day 3/cells2"))]
    case = Case(CaseFacts(sample_id="S-1"))
    cells = [GalleryCell(make_cell(100, True, seed=i), 0.99, name)
             for i, name in enumerate(names)]
    report = CaseReport(case, case.result(Counts()), Gallery(cells))
    reader, _, _ = read_pdf(write_case_pdf(tmp_path / "r.pdf", report))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().split("\n")]
    cut = [line.replace("\t", "") for line in lines if line.startswith("…")]  # joiners
    assert len(cut) == len(names)
    assert all(line.split("/")[-1].startswith("C129") for line in cut)

def test_long_notes_leave_the_result_on_the_first_page_before_them(tmp_path):
    """Notes printed inside the Patient and slide section, before the Result: a page of them
    pushed the parasitemia, what a reader looks for first, to the second page."""
    notes = "\n".join(f"{i:03d} fever and chills, seen again" for i in range(120))
    case = Case(CaseFacts(sample_id="S-1", notes=notes))
    reader, text, _ = read_pdf(write_case_pdf(tmp_path / "r.pdf",
                                              CaseReport(case, case.result(Counts()))))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Result Parasitemia none" in first and "Microscopist not given Result" in first
    assert text.index("Result Parasitemia") < text.index("Notes 000 fever") < text.index(
        "119 fever and chills, seen again")


@pytest.mark.parametrize("facts", [CaseFacts(sample_id="S-7"), CaseFacts(patient_id="P-9")])
def test_the_pdf_is_titled_by_the_case_as_the_register_names_it(tmp_path, facts):
    """A case with no slide id gave its PDF the bare title "Malaria thin-film screening
    report: ", the same for every such case in a folder of reports."""
    case = Case(facts)
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts())))
    reader, _, _ = read_pdf(path)
    assert reader.metadata.title == f"Malaria thin-film screening report: {case.name}"
