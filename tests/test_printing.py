"""A case's PDF report, read back with a PDF reader: its facts, its figures, one picture a cell."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule
from malariascope.core.clock import utc_minute
from malariascope.core.errors import ReportAppearedError, ReportError, ReportExistsError
from malariascope.core.extent import Extent
from malariascope.core.tally import Counts, Verdict
from malariascope.printing.content import CaseReport
from malariascope.printing.fields import LINES_PER_PART, FieldLine
from malariascope.printing.gallery import GALLERY_MAX, Gallery, GalleryCell
from malariascope.printing.pdf import gui_application, write_case_pdf
from tests.faults import ALL_FAULTS, full_device
from tests.images import make_cell
from tests.reports import read_pdf as read

# The window's tests share this process and need a QApplication: made first, printing uses it.
pytestmark = pytest.mark.usefixtures("qapp")

SHA = "4a50d307762f84d27ca97eb42afed4d22ef00a9415f0a724108919682a0732b8"
PAGE_POINTS = {"A4": (595, 842), "Letter": (612, 792)}


def counts(parasitized: int, uninfected: int, reviewed: int = 0) -> Counts:
    tally = Counts()
    for i in range(parasitized):
        tally.add(Verdict("parasitized", reviewed=i < reviewed))
    for i in range(uninfected):
        tally.add(Verdict("uninfected", uncertain=i < 2))
    return tally


def a_case(sign: bool = True) -> tuple[Case, Counts]:
    case = Case(CaseFacts(sample_id="S-2026-0412", patient_id="P-00917", age_years=34,
                          sex="female", collected_on="2026-03-01", site="Ward 3 <east>",
                          stain="Field's", operator="Ann Lee", notes="Fever <3 days>",
                          rbc_per_ul=5_000_000, lab="Central Hospital Lab, Kisumu"),
                "malariascope-cnn 0.1.0 (onnx)", SHA)
    tally = counts(25, 1975, reviewed=20)
    if sign:
        case.sign("Ann Lee", tally, at="2026-03-04T10:11:12+00:00")
    return case, tally


def gallery(number: int, parasitized: bool = True) -> Gallery:
    return Gallery([GalleryCell(make_cell(100 + i % 40, parasitized, seed=i),
                                0.999 - i / 1000 if parasitized else 0.2, f"field 3, cell {i}",
                                review=("confirmed", "overridden", "")[i % 3])
                    for i in range(number)])


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_the_pdf_holds_the_facts_the_result_and_one_picture_per_parasitized_cell(
        tmp_path, page_size):
    case, tally = a_case()
    report = CaseReport(case, case.signed.result, gallery(5))
    path = write_case_pdf(tmp_path / "S-2026-0412.pdf", report, page_size)
    reader, text, images = read(path)
    assert images == 5
    width, height = PAGE_POINTS[page_size]
    assert {(round(page.mediabox.width), round(page.mediabox.height))
            for page in reader.pages} == {(width, height)}
    for words in ("Central Hospital Lab, Kisumu", "Slide (sample) id S-2026-0412",
                  "Patient id P-00917", "Age 34 years", "Sex female", "Collected on 2026-03-01",
                  "Site Ward 3 <east>", "Stain Field's", "Microscopist Ann Lee",
                  "Notes Fever <3 days>", "Parasitemia 1.25 % (95 % CI 0.85 to 1.84 %, Wilson)",
                  "2,000 of a target of 2,000: target reached", "Parasites per µL 62,500",
                  "Signed by Ann Lee on 2026-03-04 10:11 UTC", "not reviewed at signing: 7",
                  "Cells reviewed: 20", "Model malariascope-cnn 0.1.0 (onnx)", SHA,
                  "A screening aid, not a diagnosis", "examine a thick film",
                  "P 0.999 confirmed", "P 0.998 overridden", "P 0.997 field",
                  "Parasitized cells (5, highest probability first)",
                  "Page 1 of"):
        assert unicodedata.normalize("NFKC", words) in text, words
    assert "NOT SIGNED" not in text and "more not shown" not in text
    assert "not stated" not in text


def test_a_lab_and_a_stain_nobody_gave_are_printed_as_not_stated(tmp_path):
    case = Case(CaseFacts(sample_id="S-9"))
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts()))))
    assert text.startswith("Laboratory not stated Printed ")
    assert "Stain not stated" in text and "Giemsa" not in text


def test_a_patient_id_and_a_site_nobody_typed_are_printed_as_not_given(tmp_path):
    """The PDF left Patient id and Site blank when nobody typed them, where it says "not
    given" of an age, a sex or a date: a reader could not tell a fact left out from one lost."""
    case = Case(CaseFacts(sample_id="S-9"))
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts()))))
    assert "Patient id not given Age not given" in text
    assert "Site not given Stain" in text


def test_a_slide_id_and_a_microscopist_nobody_typed_are_printed_as_not_given(tmp_path):
    """The slide id and the microscopist printed blank when nobody typed them, beside facts
    that say "not given"."""
    case = Case(CaseFacts(patient_id="P-9"))
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts()))))
    assert "Slide (sample) id not given Patient id P-9" in text
    assert "Microscopist not given" in text


def test_a_gallery_is_bounded_and_says_how_many_it_leaves_out(tmp_path):
    case, tally = a_case(sign=False)
    parasitized = gallery(GALLERY_MAX + 12)
    report = CaseReport(case, case.result(tally), Gallery(parasitized.cells, total=300),
                        gallery(3, parasitized=False))
    _, text, images = read(write_case_pdf(tmp_path / "r.pdf", report))
    assert images == GALLERY_MAX + 3
    assert f"{300 - GALLERY_MAX} more not shown" in text
    assert ("Uncertain or marked unsure cells called uninfected, not reviewed (3, highest "
            "probability first)") in text
    assert "NOT SIGNED: preliminary result" in text and "Not signed." in text


def test_a_cell_marked_unsure_is_printed_however_low_its_probability(tmp_path):
    """A gallery printed its 48 most probable cells only: a cell a reviewer marked unsure,
    among the 300 called parasitized, was not in the PDF to be looked at again."""
    case, tally = a_case(sign=False)
    cells = list(gallery(GALLERY_MAX + 12).cells)
    cells[-1] = GalleryCell(cells[-1].picture, 0.5, "field 9, cell 7", review="unsure")
    report = CaseReport(case, case.result(tally), Gallery(cells, total=300))
    _, text, images = read(write_case_pdf(tmp_path / "r.pdf", report))
    assert images == GALLERY_MAX and "marked unsure" in text and "field 9, cell 7" in text
    assert ("Parasitized cells (300, those marked unsure first, then the highest "
            "probability)") in text
    assert f"{300 - GALLERY_MAX} more not shown: these are the {GALLERY_MAX} marked unsure" in text


def test_an_amended_case_prints_the_version_it_replaced(tmp_path):
    case, tally = a_case()
    case.amend("patient id mistyped", "Bob Okafor", at="2026-03-05T08:00:00+00:00")
    case.update(patient_id="P-00918")
    case.sign("Bob Okafor", tally, at="2026-03-05T08:05:00+00:00")
    _, text, images = read(write_case_pdf(tmp_path / "r.pdf",
                                          CaseReport(case, case.signed.result)))
    assert images == 0 and "Patient id P-00918" in text
    assert ("Amendment 1: 2026-03-05 08:00 UTC by Bob Okafor: patient id mistyped. It replaced "
            "the result signed by Ann Lee on 2026-03-04 10:11 UTC") in text


def test_an_amendment_withdrawn_is_printed_under_the_sign_off(tmp_path):
    """The PDF of a case whose amendment was withdrawn read as never opened again."""
    case, tally = a_case()
    case.amend("patient id <checked>", "Bob Okafor", at="2026-03-05T08:00:00+00:00",
               decisions=0, extent=Extent())
    case.withdraw_amendment(case.result(tally), 0, Extent())
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.signed.result)))
    assert "Amendment 1" not in text
    assert ("Amendment withdrawn unchanged: opened 2026-03-05 08:00 UTC by Bob Okafor: patient "
            f"id <checked>; withdrawn {utc_minute(case.withdrawn[0].withdrawn_at)}.") in text


def test_the_pdf_gives_the_uncertain_band_of_field_cells_as_well(tmp_path):
    """Each kind of cell with its own threshold and band: a field cell from 0.5 to 0.97 is
    uncertain, though the single cells' band ends at 0.65."""
    case, tally = a_case(sign=False)
    case.rule = CallRule(0.5, (0.35, 0.65), 0.9503)
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(tally))))
    assert ("Calls, single cells parasitized at P ≥ 0.5000; uncertain from 0.3500 to 0.6500"
            ) in text
    assert ("Calls, whole fields parasitized at P ≥ 0.9503; uncertain from 0.5000 to 0.9726"
            ) in text
    case.rule = CallRule(0.5, (0.35, 0.65))
    _, text, _ = read(write_case_pdf(tmp_path / "s.pdf", CaseReport(case, case.result(tally))))
    assert "Calls parasitized at P ≥ 0.5000; uncertain from 0.3500 to 0.6500" in text
    assert "whole fields" not in text
    assert "PARTIAL" not in text


@pytest.mark.parametrize(("not_screened", "words"), [(1, "1 image file"),
                                                     (None, "some image files")])
def test_the_pdf_of_a_stopped_batch_says_it_is_partial(tmp_path, not_screened, words):
    case, tally = a_case(sign=False)
    report = CaseReport(case, case.result(tally), not_screened=not_screened)
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", report))
    assert f"PARTIAL: screening was stopped and {words} of the batch" in text


def test_a_pdf_never_replaces_a_file_unasked_nor_leaves_a_temporary_one(tmp_path):
    case, _ = a_case()
    report = CaseReport(case, case.signed.result)
    target = tmp_path / "r.pdf"
    target.write_bytes(b"the lab's own file")
    with pytest.raises(ReportExistsError):
        write_case_pdf(target, report)
    assert target.read_bytes() == b"the lab's own file"
    write_case_pdf(target, report, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")
    with pytest.raises(ReportError, match="is a folder"):
        write_case_pdf(tmp_path, report)
    with pytest.raises(ValueError, match="A4, Letter"):
        write_case_pdf(tmp_path / "other.pdf", report, page_size="A5")
    assert [path.name for path in tmp_path.iterdir()] == ["r.pdf"]


@pytest.mark.parametrize("fault", ALL_FAULTS)
def test_a_pdf_that_does_not_fit_on_the_disk_is_an_error_and_the_old_one_stays(tmp_path, fault):
    """On a full disk Qt's own file writing cut the PDF short and said nothing: a truncated
    PDF replaced the old one and the run reported it written."""
    if ALL_FAULTS[fault][0] is full_device and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    case, _ = a_case()
    target = tmp_path / "r.pdf"
    target.write_bytes(b"the old report")
    inject, words = ALL_FAULTS[fault]
    with inject(target), pytest.raises(ReportError, match=words):
        write_case_pdf(target, CaseReport(case, case.signed.result), overwrite=True)
    assert [path.name for path in tmp_path.iterdir()] == ["r.pdf"]
    assert target.read_bytes() == b"the old report"


def test_a_file_that_appears_while_the_pdf_is_laid_out_is_kept(tmp_path, monkeypatch):
    """The PDF was renamed over whatever reached its name after the check, such as another
    run's report, though it was not to replace a file unasked."""
    from malariascope.printing import pdf

    case, _ = a_case()
    target = tmp_path / "r.pdf"
    lay_out = pdf._pdf_bytes

    def another_program_writes_there(*args):
        target.write_bytes(b"another program's file")
        return lay_out(*args)

    monkeypatch.setattr(pdf, "_pdf_bytes", another_program_writes_there)
    with pytest.raises(ReportAppearedError, match="appeared while"):
        write_case_pdf(target, CaseReport(case, case.signed.result))
    assert target.read_bytes() == b"another program's file"
    assert [path.name for path in tmp_path.iterdir()] == ["r.pdf"]


def test_printing_uses_the_running_application():
    assert gui_application() is gui_application()


def test_a_printer_gets_the_pages_the_pdf_has(tmp_path):
    """Print report… paints the same pages on a QPrinter (here one that prints to a file)."""
    from PySide6.QtPrintSupport import QPrinter

    from malariascope.printing.pdf import print_case

    case, _ = a_case()
    gui_application()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_case(printer, CaseReport(case, case.signed.result, gallery(3)))
    del printer  # the file is finished when the printer goes
    _, text, images = read(tmp_path / "printed.pdf")
    assert images == 3 and "Slide (sample) id S-2026-0412" in text
    assert "Parasitemia 1.25 % (95 % CI 0.85 to 1.84 %, Wilson)" in text


def test_a_probability_beside_its_threshold_is_printed_with_the_decimals_that_tell_them_apart(
        tmp_path):
    """A field cell at P 0.94991, under the field threshold 0.9503, printed as "P 0.950" among
    the uncertain cells: read against the window's "0.950", it looked parasitized."""
    case, tally = a_case(sign=False)
    cells = [GalleryCell(make_cell(100, False, seed=1), 0.94991, "PA171693.JPG #86",
                         threshold=0.9503),
             GalleryCell(make_cell(100, False, seed=2), 0.61234, "PA171693.JPG #87",
                         threshold=0.9503)]
    report = CaseReport(case, case.result(tally), uncertain=Gallery(cells))
    _, text, _ = read(write_case_pdf(tmp_path / "r.pdf", report))
    assert "P 0.9499" in text and "P 0.612" in text and "P 0.950 " not in text


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_thirty_fields_are_listed_in_parts_each_whole_on_a_page_under_its_headings(
        tmp_path, page_size):
    """The table of a case's whole fields (new) must not part a line from its column names:
    each part of it lies on one page, its headings above its lines."""
    case, tally = a_case()
    fields = tuple(FieldLine(f"slide S-2026-0412/day {1 + i // 10}/field_{i:03d}.png",
                             60 + i, i % 4, i % 3, f"{100 * (i % 4) / (60 + i):.2f}")
                   for i in range(30))
    report = CaseReport(case, case.signed.result, gallery(GALLERY_MAX), fields=fields)
    reader, text, _ = read(write_case_pdf(tmp_path / "fields.pdf", report, page_size))
    assert "Whole fields (30) Field Cells counted Parasitized Uncertain Parasitemia %" in text
    pages = [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
             for page in reader.pages]
    parts = [(start, min(start + LINES_PER_PART, 30)) for start in range(0, 30, LINES_PER_PART)]
    for start, end in parts:
        (page,) = [page for page in pages if f"field_{start:03d}.png" in page]
        lines = page[page.index("Field Cells counted"):]
        for i in range(start, end):
            field = fields[i]
            assert (f"{field.name} {field.cells} {field.parasitized} {field.uncertain} "
                    f"{field.percent}") in lines
    assert len(pages) == reader.get_num_pages() <= 4
