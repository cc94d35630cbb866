"""``classify --pdf``: the files without a call, told by why they have none."""

from __future__ import annotations

from tests.command_line import cli
from tests.images import write_files_without_call
from tests.reports import read_pdf, read_rows, read_summary


def test_the_pdf_tells_unreadable_files_from_images_refused(tmp_path, capsys, real_cells):
    """A cell cut short, a grey cell and an animated GIF of two cells were "unreadable
    files: 3" in the PDF, though two of them were read and refused."""
    write_files_without_call(tmp_path / "slide", real_cells["parasitized"][:3])
    pdf, out = tmp_path / "slide.pdf", tmp_path / "r.csv"
    run = cli(capsys, "classify", tmp_path / "slide", "--csv", out, "--pdf", pdf)
    assert run.code == 1, run.err
    text = " ".join(read_pdf(pdf)[1].split())
    assert (
        "files without a call: 3 (1 unreadable, 2 refused as no stained cell image; "
        "cut.png, grey.png, two cells.gif)"
    ) in text
    assert "unreadable files" not in text
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert (summary["classified"], summary["errors"]) == ("3", "3")  # its columns as they were
    assert sum(bool(row["error"]) for row in read_rows(out)) == 3


def test_a_pdf_whose_files_all_read_says_none_is_without_a_call(tmp_path, capsys, real_cells):
    write_files_without_call(tmp_path / "slide", real_cells["uninfected"][:2])
    for name in ("cut.png", "grey.png", "two cells.gif"):
        (tmp_path / "slide" / name).unlink()
    pdf = tmp_path / "slide.pdf"
    run = cli(capsys, "classify", tmp_path / "slide", "--csv", tmp_path / "r.csv", "--pdf", pdf)
    assert run.code == 0, run.err
    assert "files without a call: 0 Sign-off" in " ".join(read_pdf(pdf)[1].split())
