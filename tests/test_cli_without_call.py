"""``classify --pdf`` and ``evaluate``: the files without a call, told by why they have none."""

from __future__ import annotations

import json

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


def test_evaluate_tells_a_grey_cell_left_out_from_one_it_could_not_read(
    tmp_path, capsys, real_cells
):
    """A grey cell and an animated GIF of two cells, read and refused, were counted beside
    a cell cut short as "unreadable: 3"; with nothing left to score, the run said "no
    readable images" of cells it had read."""
    write_files_without_call(tmp_path / "data" / "parasitized", real_cells["parasitized"][:3])
    write_files_without_call(tmp_path / "data" / "uninfected", real_cells["uninfected"][:3])
    result = cli(capsys, "evaluate", tmp_path / "data", "--json", tmp_path / "m.json")
    assert result.code == 1, result.err
    assert "cells        6 (without a call: 2 unreadable, 4 refused as no stained cell image)" in (
        result.out
    )
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["unreadable"] == 6

    for label in ("parasitized", "uninfected"):
        for cell in real_cells[label][:3]:
            (tmp_path / "data" / label / cell.name).unlink()
        (tmp_path / "data" / label / "cut.png").unlink()
    result = cli(capsys, "evaluate", tmp_path / "data")
    assert result.code == 2
    assert result.err.endswith(
        f"nothing to score in {tmp_path / 'data'}: no file has a call — 4 refused as no "
        "stained cell image\n"
    ), result.err
