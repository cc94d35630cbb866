"""How ``classify`` names files in its lines on stderr: as the report's ``image_path`` writes
them, so that a name read on the terminal is found in the report."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from tests.command_line import cli
from tests.reports import read_rows


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows names that are not UTF-8")
def test_a_byte_that_is_not_utf8_is_named_on_stderr_as_in_the_report(tmp_path, capsys, real_cells):
    """A damaged file named in Latin-1 (``caf\\xe9.png``) is told on stderr with the byte
    written ``\\xe9``, as in the report, not as Python's inner ``\\udce9``."""
    folder = tmp_path / "slide"
    folder.mkdir()
    shutil.copy(real_cells["parasitized"][0], folder / "cell.png")
    damaged = folder / os.fsdecode(b"caf\xe9.png")
    damaged.write_bytes(real_cells["uninfected"][0].read_bytes()[:200])  # cut short
    out = tmp_path / "report.csv"
    result = cli(capsys, "classify", folder, "--csv", out)
    assert result.code == 1, result.err
    (failed,) = [row for row in read_rows(out) if row["status"] == "error"]
    assert failed["image_path"] == str(folder / "caf\\xe9.png")
    assert f"caf\\xe9.png: {failed['error']}" in result.err, result.err
    assert "udce9" not in result.err, result.err
