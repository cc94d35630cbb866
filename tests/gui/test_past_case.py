"""The case on show and the window's reports around a past case of the register: what File
offers on an empty case, on a signed past case, and as images open over a past case."""

from __future__ import annotations

from malariascope.gui import dialogs
from tests.gui.helpers import screen_and_wait
from tests.gui.test_register_dialog import WAIT_MS, dialog, filed, open_past  # noqa: F401
from tests.reports import read_pdf


def _reports_enabled(window) -> tuple[bool, bool]:
    return window.actions.export_pdf.isEnabled(), window.actions.print_report.isEnabled()


def test_export_pdf_and_print_wait_for_cells_and_a_signed_past_case_prints(
        dialog, qtbot, tmp_path, monkeypatch):  # noqa: F811
    """Export PDF… and Print… were enabled on an empty case: its report pictured no cell,
    counted none and named no slide or model."""
    window = dialog.parent()
    dialog.reject()
    assert len(window.batch) == 0 and _reports_enabled(window) == (False, False)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    assert _reports_enabled(window) == (True, True)
    assert window.case_flow.new_case(ask=False)
    assert _reports_enabled(window) == (False, False)

    open_past(dialog, qtbot, "X-3")  # signed: its signed result prints, cells kept or not
    assert window.case.signed and _reports_enabled(window) == (True, True)
    report = tmp_path / "x-3.pdf"
    monkeypatch.setattr(dialogs, "ask_report_path", lambda *args, **kwargs: (report, False))
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=WAIT_MS):
        window.actions.export_pdf.trigger()
    text = read_pdf(report)[1]
    assert "Slide (sample) id X-3" in text and "Signed by Cy" in text
    assert window.case_flow.new_case(ask=False)  # the view ends: the window's empty case
    assert _reports_enabled(window) == (False, False)
