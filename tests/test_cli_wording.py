"""How the command line words what it tells: counts, and where a wrong argument points."""

from __future__ import annotations

import shutil

from malariascope.core.case import Case, CaseFacts
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.register import Register
from tests.command_line import cli
from tests.images import write_field


def test_one_of_a_thing_is_counted_in_the_singular(tmp_path, capsys, real_cells, monkeypatch):
    """"1 images: 1 cells classified, ... 1 errors, 1 non-image files skipped", "1 cases
    exported": every count of the command line took the plural."""
    folder = tmp_path / "slide"
    folder.mkdir()
    shutil.copy(real_cells["parasitized"][0], folder)
    write_field(folder / "field.png")
    (folder / "broken.png").write_bytes(b"")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    result = cli(capsys, "classify", folder, "--csv", tmp_path / "r.csv")
    assert result.code == 1, result.err
    (totals,) = result.out.splitlines()
    assert totals.startswith("3 images (1 whole field): ")
    assert totals.endswith(f", 1 error, 1 non-image file skipped; report {tmp_path / 'r.csv'}")
    (folder / "field.png").unlink()
    (folder / "broken.png").unlink()
    one = cli(capsys, "classify", folder, "--csv", tmp_path / "r.csv", "--overwrite")
    assert one.out.startswith("1 image: 1 cell classified, 1 parasitized")
    (folder / "sub").mkdir()
    for cell in folder.glob("*.png"):
        cell.unlink()
    empty = cli(capsys, "classify", folder, "--csv", tmp_path / "none.csv", "--no-recursive")
    assert empty.err == ("malariascope: error: no images found (1 non-image file skipped, "
                         "1 subfolder not searched: --no-recursive); no report written\n")
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    with Register(data) as register:
        register.save(Case(CaseFacts(sample_id="S-1")))
    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).out == f"1 case exported to {out}\n"


def test_an_unknown_option_of_a_command_points_to_that_command_s_help(tmp_path, capsys):
    """`classify cells/ --csv r.csv --bogus x` pointed to `malariascope --help`, which does
    not list classify's options."""
    refused = cli(capsys, "classify", tmp_path, "--csv", tmp_path / "r.csv", "--bogus", "x")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == ("malariascope classify: error: unrecognized arguments: --bogus x "
                           "(see malariascope classify --help)\n")
    listed = cli(capsys, "cases", "list", "--bogus")
    assert listed.err == ("malariascope cases list: error: unrecognized arguments: --bogus "
                          "(see malariascope cases list --help)\n")
    assert not (tmp_path / "r.csv").exists()
