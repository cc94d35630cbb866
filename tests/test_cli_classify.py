"""``malariascope classify`` on what it is given: fields, odd names, missing and unreadable
inputs, copies, and report cells that could start a spreadsheet formula (overlay folders:
``test_cli_overlays``)."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path

import pytest

from malariascope.core.report import summary_path
from tests.command_line import cli
from tests.decodes import count_decodes
from tests.images import FIELD_CELLS, make_cell_folder, write_field
from tests.reports import read_pdf, read_rows, read_summary


def test_classify_a_field_gives_one_row_per_cell_and_its_parasitemia(tmp_path, capsys):
    folder = tmp_path / "smear"
    make_cell_folder(folder / "cells", 2)
    field, _ = write_field(folder / "field.png")
    (folder / "broken.png").write_bytes(b"")
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", folder, "--csv", out, "--gradcam", tmp_path / "cam")
    assert result.code == 1, result.err  # the broken file
    assert "1 whole field)" in result.out and "broken.png" in result.err
    rows = read_rows(out)
    cells = [r for r in rows if r["image_path"] == str(field)]
    assert [int(r["cell_index"]) for r in cells] == list(range(1, FIELD_CELLS + 1))
    for row in cells:
        x, y, w, h = (int(row[c]) for c in ("cell_x", "cell_y", "cell_w", "cell_h"))
        assert row["status"] == "ok" and 0 <= x < x + w <= 800 and 0 <= y < y + h <= 600
    singles = [r for r in rows if r["image_path"] != str(field)]
    assert len(singles) == 3
    assert all(r[c] == "" for r in singles for c in ("cell_index", "cell_x", "cell_h"))
    batch, fields = read_summary(tmp_path / "report_summary.csv")
    parasitized = sum(r["final_call"] == "parasitized" for r in cells)
    assert list(fields) == [str(field)] and fields[str(field)]["cells"] == str(FIELD_CELLS)
    assert float(fields[str(field)]["percent_parasitized"]) == round(
        100 * parasitized / FIELD_CELLS, 2)
    ok = [r for r in rows if r["status"] == "ok"]
    assert batch["classified"] == str(len(ok)) == str(FIELD_CELLS + 2)
    assert batch["images"] == "4"
    everyone = sum(r["final_call"] == "parasitized" for r in ok)
    assert float(batch["percent_parasitized"]) == round(100 * everyone / len(ok), 2)
    overlays = sorted(p.name for p in (tmp_path / "cam").glob("*_gradcam.png"))
    assert len(overlays) == len(ok) and sum("_cell" in name for name in overlays) == FIELD_CELLS


def test_classify_mode_cell_screens_a_field_as_one_image(tmp_path, capsys):
    field, _ = write_field(tmp_path / "field.png")
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", field, "--csv", out, "--mode", "cell")
    assert result.code == 0, result.err
    (row,) = read_rows(out)
    assert row["status"] == "ok" and row["cell_index"] == row["cell_w"] == ""
    assert cli(capsys, "classify", field, "--csv", out, "--mode", "fields").code == 2


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows names that are not UTF-8")
def test_names_that_are_not_utf8_are_written_with_escapes(tmp_path, capsys):
    folder = tmp_path / "slides"
    make_cell_folder(folder, 2)
    field, _ = write_field(folder / "field.png")
    latin = os.fsdecode(b"caf\xe9")  # a Latin-1 name: not UTF-8
    (folder / "cell_0.png").rename(folder / f"{latin}.png")
    field.rename(folder / f"{latin} field.png")
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", folder, "--csv", out, "--operator", os.fsdecode(b"Ren\xe9"))
    assert result.code == 0, result.err
    rows = read_rows(out)
    paths = {r["image_path"] for r in rows}
    escaped = str(folder / "caf\\xe9 field.png")
    assert paths == {escaped, str(folder / "caf\\xe9.png"), str(folder / "cell_1.png")}
    assert {r["operator"] for r in rows} == {"Ren\\udce9"}
    batch, fields = read_summary(tmp_path / "report_summary.csv")
    assert list(fields) == [escaped] and batch["operator"] == "Ren\\udce9"


def test_no_cell_of_the_report_or_its_summary_starts_a_formula(tmp_path, capsys, monkeypatch):
    """Names, sample id and operator are written with a leading ' where a spreadsheet would
    run them, as the register's export does (OWASP's CSV injection advice)."""
    folder = tmp_path / "slides"
    names = ["=HYPERLINK(1).png", "+1.png", "@cmd.png"]
    for cell, name in zip(make_cell_folder(folder, 3), names, strict=True):
        cell.rename(folder / name)
    write_field(folder / "-field.png")
    monkeypatch.chdir(folder)  # relative names: the image paths start with the names
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", ".", "--csv", out, "--sample-id", "=1+1",
                 "--operator", "@SUM(A1)")
    assert result.code == 0, result.err
    rows = read_rows(out)
    assert {r["image_path"] for r in rows} == {f"'{name}" for name in [*names, "-field.png"]}
    assert {(r["sample_id"], r["operator"]) for r in rows} == {("'=1+1", "'@SUM(A1)")}
    batch, fields = read_summary(tmp_path / "report_summary.csv")
    assert list(fields) == ["'-field.png"] and batch["sample_id"] == "'=1+1"
    for path in (out, tmp_path / "report_summary.csv"):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_folder_that_will_not_open_is_named_as_such(tmp_path, capsys, monkeypatch):
    """Root reads every folder, so the refusal is the OS's, patched in: it was reported as
    'no such file or folder' while the folder was there."""
    make_cell_folder(tmp_path / "cells", 2)
    locked = tmp_path / "cells" / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv")
    assert result.code == 1
    assert "locked: cannot read this folder: not screened" in result.err.splitlines()


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_files_without_a_call_are_named_from_the_folder_given_as_the_window_names_them(
        tmp_path, capsys):
    """stderr and the PDF named an unreadable file of a folder by its full path
    (/home/lab/2026/smears/slide 7/day 2/broken.png), where the window names it from the
    folder opened (day 2/broken.png): long lines that hid the part that tells it apart."""
    smear = tmp_path / "smears" / "slide 7"
    make_cell_folder(smear, 2)
    (smear / "day 2").mkdir()
    (smear / "day 2" / "broken.png").write_bytes(b"")
    alone = tmp_path / "alone.png"
    alone.write_bytes(b"")
    pdf = tmp_path / "slide.pdf"
    report = tmp_path / "r.csv"
    result = cli(capsys, "classify", smear, alone, "--csv", report, "--pdf", pdf)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [f"day 2/broken.png: {_error(report, 'broken.png')}",
                                           f"{alone}: {_error(report, 'alone.png')}"]
    text = " ".join(read_pdf(pdf)[1].split())
    assert "files without a call: 2 (2 unreadable; day 2/broken.png, " in text
    flat = f"/broken.png,{alone})".replace(" ", "")  # a long path wraps on paper
    assert flat in text.replace(" ", "")


def test_a_file_given_beside_a_folder_holding_its_name_is_told_apart(tmp_path, capsys,
                                                                     monkeypatch):
    """``classify broken.png slide`` with slide/broken.png named both unreadable files
    "broken.png" on stderr and in the PDF: nobody could tell which one to look at."""
    monkeypatch.chdir(tmp_path)
    make_cell_folder(tmp_path / "slide", 2)
    for broken in (tmp_path / "broken.png", tmp_path / "slide" / "broken.png"):
        broken.write_bytes(b"")
    report = tmp_path / "r.csv"
    result = cli(capsys, "classify", "broken.png", "slide", "--csv", report)
    assert result.code == 1
    named = [line.split(": ")[0] for line in result.err.splitlines()
             if "broken.png: " in line]
    assert sorted(named) == ["broken.png", str(Path("slide", "broken.png"))]


def _error(report: Path, name: str) -> str:
    """The error the report gives the file ``name``."""
    (row,) = [row for row in read_rows(report) if row["image_path"].endswith(name)]
    return row["error"]


def test_a_missing_input_exits_1_and_the_others_are_screened(tmp_path, capsys):
    """The report of a batch with a mistyped path held the other images' rows only and
    said errors 0, complete: filed, it read as the whole batch."""
    (good,) = make_cell_folder(tmp_path, 1)
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", good, tmp_path / "typo.png", "--csv", out)
    assert result.code == 1
    assert f"{tmp_path / 'typo.png'}: no such file or folder" in result.err
    rows = read_rows(out)
    assert [(r["image_path"], r["status"]) for r in rows] == [
        (str(good), "ok"), (str(tmp_path / "typo.png"), "error")]
    assert rows[1]["error"] == "no such file or folder: not screened"
    batch, _ = read_summary(summary_path(out))
    assert (batch["classified"], batch["errors"]) == ("1", "1")


def test_nothing_found_writes_nothing_and_exits_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no image here", encoding="utf-8")
    out = tmp_path / "report.csv"
    for given in (tmp_path / "nope.png", tmp_path / "empty"):
        result = cli(capsys, "classify", given, "--csv", out)
        assert result.code == 2
        assert "malariascope: error: no images found" in result.err
        assert "no report written" in result.err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    (good,) = make_cell_folder(tmp_path / "cells", 1)
    assert cli(capsys, "classify", good, "--csv", out).code == 0  # no 'exists' in the way


def test_classify_counts_an_image_and_its_copies_once_and_decodes_none(tmp_path, capsys,
                                                                        real_cells, monkeypatch):
    """A folder holding copies of its images at other names counted each copy's cells again:
    in the rows, the summary and the slide's parasitemia. Then each copy was still decoded and
    screened before it was left out."""
    folder = tmp_path / "smear"
    folder.mkdir()
    cells = real_cells["parasitized"][:3] + real_cells["uninfected"][:2]
    for path in cells:
        shutil.copy(path, folder / path.name)
        shutil.copy(path, folder / f"zz_copy_{path.name}")
    field, _ = write_field(folder / "field.png")
    shutil.copy(field, folder / "zz_copy_field.png")
    (folder / "broken.png").write_bytes(b"")
    (folder / "zz_broken_too.png").write_bytes(b"")  # error rows are kept whatever their bytes
    out = tmp_path / "report.csv"
    decoded = count_decodes(monkeypatch)
    result = cli(capsys, "classify", folder, "--csv", out)
    assert result.code == 1, result.err  # the broken files
    assert len(decoded) == len(cells) + 1  # the broken files are empty: nothing to decode
    rows = read_rows(out)
    assert not [r for r in rows if r["image_path"].startswith(str(folder / "zz_copy_"))]
    assert sum(r["status"] == "ok" for r in rows) == len(cells) + FIELD_CELLS
    assert sum(r["status"] != "ok" for r in rows) == 2
    batch, fields = read_summary(summary_path(out))
    assert (batch["images"], batch["classified"], batch["complete"]) == (
        str(len(cells) + 3), str(len(cells) + FIELD_CELLS), "true")
    assert list(fields) == [str(field)]
    assert (f"{len(cells) + 1} files identical to other files of the batch left out: "
            "smear/zz_copy_") in result.err
