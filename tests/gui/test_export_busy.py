"""The window's PDF and the register dialog's CSV are refused while another MalariaScope run
writes the same file (it holds the file's lock): the box says so, and the file there is
kept as it was."""

from __future__ import annotations

from malariascope.core.lockfile import locks_held
from tests.gui.helpers import screen_and_wait, wait_for_box
from tests.gui.test_register_dialog import WAIT_MS, dialog, filed  # noqa: F401
from tests.images import make_cell_folder

BUSY = "another MalariaScope run is writing {} now; wait for it to finish or choose another name"


def test_a_pdf_another_run_writes_is_refused_and_kept(window, qtbot, tmp_path):
    """The window wrote a PDF over one another window was writing, the last rename winning."""
    screen_and_wait(window, qtbot, [*make_cell_folder(tmp_path / "cells", 4)])
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"the other window's report")
    with locks_held(pdf):
        window.case_flow.reports.export_pdf(pdf, overwrite=True, size="A4")
        box = wait_for_box(qtbot, window, "Export failed")
    assert BUSY.format(pdf) in box.text()
    box.close()
    assert pdf.read_bytes() == b"the other window's report"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells", "r.pdf"]


def test_a_register_export_another_run_writes_is_refused_and_kept(
        dialog, qtbot, tmp_path):  # noqa: F811
    out = tmp_path / "cases.csv"
    out.write_bytes(b"the other window's export")
    with locks_held(out), qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as failed:
        dialog.exports.export_to(out, selected=False, overwrite=True)
    assert failed.args == [BUSY.format(out)]
    assert out.read_bytes() == b"the other window's export"
    assert not list(tmp_path.glob(".cases.csv.*"))
    wait_for_box(qtbot, dialog, "Export failed").close()
