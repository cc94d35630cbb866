"""A slide's PDF says which of its images the adapted model learned from, in the words the
command line and the window use: in its counts, and on each such cell's picture."""

from __future__ import annotations

from malariascope.core.case import Case, CaseFacts
from malariascope.core.tally import Counts
from malariascope.printing.content import CaseReport, report_html
from malariascope.printing.fields import FieldLine
from tests.command_line import cli
from tests.reports import read_pdf, read_rows
from tests.test_cli_learned import lab, unseen_cell  # noqa: F401 (a fixture)

LEARNED_TEXT = "learned in adaptation"  # a learned cell's mark, as the window's rows say


def test_the_pdf_says_how_many_images_were_learned_and_marks_their_cells(
        lab, tmp_path, capsys):  # noqa: F811
    """The PDF of a slide whose cells the model had learned from printed as any other: its
    calls read as an independent check."""
    cells, model = lab
    learned = sorted((cells / "parasitized" / "S2").glob("*.png"))[:3]
    report, pdf = tmp_path / "r.csv", tmp_path / "slide.pdf"
    run = cli(capsys, "classify", *learned, unseen_cell(tmp_path / "new"), "--model", model,
              "--csv", report, "--pdf", pdf)
    assert run.code == 0, run.err
    warning = (f"3 images were learned by model {model.name} in adaptation: their calls are "
               "not an independent check")
    assert f"malariascope: warning: {warning}\n" in run.err
    _, text, _ = read_pdf(pdf)
    assert f"{warning}." in text
    printed = [row for row in read_rows(report)
               if row["call"] == "parasitized" or row["uncertain"] == "true"]
    marked = sum(row["learned_in_adaptation"] == "true" for row in printed)
    assert marked > 0 and text.count(LEARNED_TEXT) == marked


def test_a_pdf_of_images_not_learned_says_nothing_of_learning(lab, tmp_path, capsys):  # noqa: F811
    _, model = lab
    pdf = tmp_path / "slide.pdf"
    run = cli(capsys, "classify", unseen_cell(tmp_path / "new"), "--model", model, "--csv",
              tmp_path / "r.csv", "--pdf", pdf)
    assert run.code == 0, run.err
    assert "in adaptation" not in read_pdf(pdf)[1]


def test_a_whole_field_the_model_learned_from_is_marked_on_its_line():
    lines = (FieldLine("day 1/a.png", 40, 1, 0, "2.50", learned=True),
             FieldLine("day 1/b.png", 40, 0, 0, "0.00"))
    text = report_html(CaseReport(Case(CaseFacts()), Case(CaseFacts()).result(Counts()),
                                  fields=lines))
    assert text.count(LEARNED_TEXT) == 1
    assert text.index("a.png") < text.index(LEARNED_TEXT) < text.index("b.png")
