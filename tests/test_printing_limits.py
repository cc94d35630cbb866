"""A case's PDF at the limits of its facts, read back and looked at as printed pages."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from malariascope.core.case import LINE_MAX, Case, CaseFacts
from malariascope.core.tally import Counts, Verdict
from malariascope.printing.content import CaseReport
from malariascope.printing.fields import FieldLine
from malariascope.printing.pdf import MARGIN_MM, write_case_pdf
from tests.command_line import cli
from tests.images import same_named_cells

pytestmark = pytest.mark.usefixtures("qapp")

A4_POINTS = (595, 842)
HEADINGS = ("Cellscounted", "Parasitized", "Uncertain", "Parasitemia%")


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


def amended(facts: CaseFacts, parasitized: int, counted: int, signer: str, amender: str,
            reason: str, kept: Callable[[str], str] | None = None) -> Case:
    """A case of ``parasitized`` red cells in ``counted``, signed by ``signer``, amended by
    ``amender`` for ``reason`` (as a register ``kept`` it, if given: text refused as typed
    now) and signed again by them."""
    tally = Counts()
    for i in range(counted):
        tally.add(Verdict("parasitized" if i < parasitized else "uninfected"))
    case = Case(facts)
    case.sign(signer, tally, at="2026-03-04T10:11:12+00:00")
    amendment = case.amend(reason, amender, at="2026-03-05T08:00:00+00:00")
    if kept:
        case.amendments = (dataclasses.replace(amendment, reason=kept(reason)),)
    case.sign(amender, tally, at="2026-03-05T08:05:00+00:00")
    return case


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


@pytest.mark.parametrize(("page_size", "points"), [("A4", A4_POINTS), ("Letter", (612, 792))])
def test_long_field_names_never_part_a_line_from_its_figures_or_its_column_names(
        tmp_path, page_size, points):
    """Field names that wrap to three lines made a part of 25 lines taller than a page: it
    was split, the lines on its second page under no column names and one field's name
    parted from its figures across the page break."""
    case = Case(CaseFacts(sample_id="S-1"))
    fields = tuple(FieldLine(f"/data/{'d' * 60}/F{i:03d}{'n' * 34}E{i:03d}.png", 20_000 - i,
                             i, 0, f"{i / (200 - i):.2f}") for i in range(63))
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(Counts()),
                                                         fields=fields), page_size)
    pages = printed_text(path, points)
    for i in range(63):
        (page,) = [page for page in pages if f"F{i:03d}" in page]
        assert f"E{i:03d}.png" in page, f"field {i} is split across pages"
        assert "Field" in page[:page.index(f"F{i:03d}")], f"field {i} under no headings"
        assert all(heading in page for heading in HEADINGS) and f"{20_000 - i:,}" in page


def test_a_direction_override_typed_in_a_fact_turns_around_nothing_printed(tmp_path):
    """A right-to-left override (U+202E) in a slide id, a patient id or an amendment's
    reason ran on past the fact: the heading printed the case's id and "Signed" backwards,
    the footer "0.1.0 epocSairalaM", and the amendment the replaced parasitemia as "52.1".
    Typing one is refused now, but a register written before may hold it."""
    override = "\u202e"
    case = amended(CaseFacts(sample_id=f"S-1{override}", patient_id=f"P{override}evil",
                             notes=f"ab{override}cd\nline two 123"),
                   25, 2000, "Ann", "Bob", "typo  fixed", lambda reason: reason.replace(
                       "  ", f" {override} "))
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.signed.result))
    (page,) = printed_text(path)
    assert f"SlideS-1·case{case.uid[:8]}·Signed" in page
    assert "Notesabcdlinetwo123" in page
    assert ("byBob:typofixed.ItreplacedtheresultsignedbyAnnon2026-03-0410:11UTC"
            "(parasitemia1.25%,25of2,000)") in page
    assert "SlideS-1·patientPevil·MalariaScope" in page


def test_right_to_left_names_keep_the_figures_and_words_beside_them_in_place(tmp_path):
    """An Arabic name before a reason that starts with a figure printed "by 2 :سارة fields
    recounted": the reason's figure was drawn into the name's right-to-left run."""
    case = amended(CaseFacts(sample_id="S-2", patient_id="مريض-١٢٣"), 4, 400, "محمد", "سارة",
                   "2 fields recounted")
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.signed.result))
    (page,) = printed_text(path)
    assert "(parasitemia1.00%,4of400)" in page
    assert "2fieldsrecounted.Itreplaced" in page
    assert "MalariaScope0.1.0Page1of1" in page


def test_two_cells_whose_file_names_end_alike_are_told_apart_in_the_gallery(
        tmp_path, capsys, cell_test_dir):
    """The gallery cut each picture's file name to its last 15 characters: these two cells
    of slide C129P90 (and two of other slides) all printed as "…21_cell_113.png"."""
    first, second = (cell_test_dir / "parasitized" / f"C129P90ThinF_IMG_{taken}_cell_113.png"
                     for taken in ("20151004_133421", "20151004_133921"))
    run = cli(capsys, "classify", first, second, "--csv", tmp_path / "r.csv",
              "--pdf", tmp_path / "r.pdf", "--sample-id", "C129P90")
    assert run.code == 0, run.err
    (page,) = printed_text(tmp_path / "r.pdf")
    gallery = page.split("Parasitizedcells(2,highestprobabilityfirst)")[1]
    # captions interleave line by line, so each is looked for by the end its name wraps to
    assert "421_cell_113.png" in gallery and "921_cell_113.png" in gallery


def test_cells_of_two_subfolders_with_one_file_name_are_told_apart_in_the_gallery(
        tmp_path, capsys, cell_test_dir):
    """The gallery captioned a picture with its file's name alone: a/cell.png and b/cell.png
    were both printed "cell.png"."""
    folder = same_named_cells(tmp_path / "slide", cell_test_dir)
    run = cli(capsys, "classify", folder, "--csv", tmp_path / "r.csv", "--pdf",
              tmp_path / "r.pdf", "--sample-id", "S-1")
    assert run.code == 0, run.err
    (page,) = printed_text(tmp_path / "r.pdf")
    gallery = page.split("Parasitizedcells(2,highestprobabilityfirst)")[1]
    assert "a/cell.png" in gallery and "b/cell.png" in gallery


def test_one_parasitized_cell_in_thirty_thousand_is_not_printed_as_zero(tmp_path):
    """1 parasitized red cell of 30,000 counted printed "Parasitemia 0.00 %" in the report's
    largest type, as on a negative slide, and "0.00" as its interval's low end."""
    case = amended(CaseFacts(sample_id="S-1", target_cells=20_000), 1, 30_000, "Ann", "Bob",
                   "recount")
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.signed.result))
    (page,) = printed_text(path)
    assert "Parasitemia0.003%(95%CI0.0006to0.02%,Wilson)" in page
    assert "(parasitemia0.003%,1of30,000)" in page
    assert "0.00%" not in page


def test_a_cell_marked_unsure_the_model_calls_uninfected_is_counted_as_flagged(tmp_path):
    """A cell marked unsure that the model called uninfected, not uncertain (the threshold
    moved past it), counted among "flagged cells (called parasitized or uncertain) not
    reviewed": a figure the words did not account for."""
    tally = Counts()
    tally.add(Verdict("parasitized", reviewed=True))
    tally.add(Verdict("uninfected", unsure=True))
    for _ in range(98):
        tally.add(Verdict("uninfected"))
    case = Case(CaseFacts(sample_id="S-1", operator="Ann Lee"))
    case.sign("Ann Lee", tally, at="2026-03-04T10:11:12+00:00")
    path = write_case_pdf(tmp_path / "r.pdf", CaseReport(case, case.result(tally)))
    text = "".join(printed_text(path))
    assert "flaggedcells(calledparasitizedoruncertain,ormarkedunsure)notreviewed:1" in text
    assert "Flaggedcellsnotreviewedatsigning:1" in text
