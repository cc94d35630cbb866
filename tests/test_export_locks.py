"""The case PDF and the register's CSV hold their target's lock while they are written, as
the CSV report does: another writer of the same name is refused in one clear line, the file
there kept, and a start clearing a killed export's leftovers never takes their temporary
file."""

from __future__ import annotations

from pathlib import Path

import pytest

from malariascope.core import atomic
from malariascope.core.errors import ReportBusyError
from malariascope.core.lockfile import locks_held
from malariascope.core.unfinished import FOLDER, clear_unfinished
from malariascope.printing.content import CaseReport
from malariascope.printing.pdf import write_case_pdf
from tests.command_line import cli
from tests.core.test_register_search import three_cases  # noqa: F401
from tests.core.test_unfinished import killed_record
from tests.test_printing import a_case

BUSY = "another MalariaScope run is writing {} now; wait for it to finish or choose another name"


def a_report() -> CaseReport:
    case, _ = a_case()
    return CaseReport(case, case.signed.result)


def test_a_case_pdf_is_refused_while_another_writer_holds_its_lock(tmp_path):
    """Two windows could write one PDF at once, the last rename winning unseen."""
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"the earlier report")
    with locks_held(pdf), pytest.raises(ReportBusyError) as refused:
        write_case_pdf(pdf, a_report(), overwrite=True)
    assert str(refused.value) == BUSY.format(pdf)
    assert pdf.read_bytes() == b"the earlier report"
    assert sorted(tmp_path.iterdir()) == [pdf]


def test_the_register_export_is_refused_while_another_writer_holds_its_lock(
        three_cases, tmp_path, capsys, monkeypatch):  # noqa: F811
    register, _ = three_cases
    out = tmp_path / "cases.csv"
    out.write_bytes(b"the earlier export")
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(register.path.parent))
    with locks_held(out):
        with pytest.raises(ReportBusyError, match="another MalariaScope run is writing"):
            register.export_csv(out, overwrite=True)
        run = cli(capsys, "cases", "export", out, "--overwrite")
    assert (run.code, run.err) == (2, f"malariascope: error: {BUSY.format(out)}\n")
    assert out.read_bytes() == b"the earlier export"
    assert register.export_csv(out, overwrite=True) == 3


def clearing_as_written(monkeypatch, target: Path) -> list[bool]:
    """Have a start clear the unfinished exports just as ``target``'s temporary file is
    written (a killed export of the same name recorded); whether that file was still there
    after each clear."""
    kept: list[bool] = []
    write_synced = atomic.write_synced

    def clear_first(path, *more, **named) -> None:
        if Path(path).name.startswith(f".{target.name}."):
            (found,) = clear_unfinished()
            assert found.targets == (target,)
            kept.append(Path(path).exists())
        write_synced(path, *more, **named)

    monkeypatch.setattr(atomic, "write_synced", clear_first)
    return kept


def test_a_start_clearing_a_killed_export_leaves_a_running_pdf_export_alone(
        tmp_path, monkeypatch):
    """The start removed the temporary file of a PDF another window was writing by the name
    a killed export had: its rename then found no file, and its export failed."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    (tmp_path / FOLDER).mkdir()
    pdf = tmp_path / "out" / "r.pdf"
    pdf.parent.mkdir()
    killed_record(tmp_path / FOLDER / "1-earlier.json", pdf)
    kept = clearing_as_written(monkeypatch, pdf)
    write_case_pdf(pdf, a_report())
    assert kept == [True]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sorted(pdf.parent.iterdir()) == [pdf]


def test_a_start_clearing_a_killed_export_leaves_a_running_register_export_alone(
        three_cases, tmp_path, monkeypatch):  # noqa: F811
    register, _ = three_cases
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    (tmp_path / FOLDER).mkdir()
    out = tmp_path / "cases.csv"
    killed_record(tmp_path / FOLDER / "1-earlier.json", out)
    kept = clearing_as_written(monkeypatch, out)
    assert register.export_csv(out) == 3
    assert kept == [True]
    assert not list(tmp_path.glob(".cases.csv.*"))
