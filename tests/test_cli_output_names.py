"""Outputs named as images are refused before the model loads: a later run over their folder
would screen them as images, each an error row."""

from __future__ import annotations

import shutil

from tests.command_line import cli, run_without
from tests.images import make_cell_folder


def test_a_report_pdf_or_json_named_as_an_image_is_refused_before_the_model(tmp_path):
    """`classify D/cell.png --csv D/r.png` wrote a report and a summary named as images, which
    `classify D` then screened as two unreadable images (exit 1)."""
    (cell,) = make_cell_folder(tmp_path / "cells", 1)
    out = tmp_path / "out"
    out.mkdir()
    refused = [
        (("classify", cell, "--csv", tmp_path / "cells" / "r.png"), cell.parent / "r.png",
         "the report"),
        (("classify", cell.parent, "--csv", out / "r.JPG"), out / "r.JPG", "the report"),
        (("classify", cell, "--csv", out / "r.csv", "--pdf", out / "p.tif"),
         f"--pdf {out / 'p.tif'}", "the PDF report"),
        (("evaluate", cell.parent, "--json", out / "f.webp"), f"--json {out / 'f.webp'}",
         "the figures"),
    ]
    for args, name, what in refused:
        result = run_without("onnxruntime", *args)  # the model would load with it
        suffix = str(name).rpartition(".")[2]
        assert (result.returncode, result.stdout, result.stderr) == (2, "", (
            f"malariascope: error: {name} ends in .{suffix}, an image's suffix: a run over its "
            f"folder would screen {what} as an image; name another file\n")), args
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cell_0.png", "cells", "out"]


def test_a_report_pdf_or_json_named_as_compressed_is_refused_before_screening(
        tmp_path, capsys, real_cells):
    """`classify --csv r.tar.gz` wrote plain CSV text as r.tar.gz, with its summary beside it
    as r.tar_summary.gz: neither opens as the archive its name says."""
    data, out = tmp_path / "data", tmp_path / "out"
    for label in ("parasitized", "uninfected"):
        (data / label).mkdir(parents=True)
        shutil.copy(real_cells[label][0], data / label)
    out.mkdir()
    refused = [
        (("classify", data, "--csv", out / "r.tar.gz"), out / "r.tar.gz", ".gz", "the report"),
        (("classify", data, "--csv", out / "r.CSV.BZ2"), out / "r.CSV.BZ2", ".BZ2",
         "the report"),
        (("classify", data, "--csv", out / "r.csv", "--pdf", out / "p.zip"),
         f"--pdf {out / 'p.zip'}", ".zip", "the PDF report"),
        (("evaluate", data, "--json", out / "f.json.xz"), f"--json {out / 'f.json.xz'}", ".xz",
         "the figures"),
        (("classify", data, "--csv", out / "r.csv.lz4"), out / "r.csv.lz4", ".lz4",
         "the report"),
        (("classify", data, "--csv", out / "r.csv.Z"), out / "r.csv.Z", ".Z", "the report"),
    ]
    for args, name, suffix, what in refused:
        result = cli(capsys, *args)
        assert (result.code, result.out, result.err) == (2, "", (
            f"malariascope: error: {name} ends in {suffix}, a compressed file's suffix, "
            f"but {what} would be written uncompressed, and not open as such; name another "
            "file\n")), args
    assert list(out.iterdir()) == []
    result = cli(capsys, "classify", data, "--csv", out / "r.txt")
    assert result.code == 0, result.err
    assert sorted(path.name for path in out.iterdir()) == ["r.txt", "r_summary.txt"]
