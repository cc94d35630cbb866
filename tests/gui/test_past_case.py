"""The case on show and the window's reports around a past case of the register: what File
offers on an empty case, on a signed past case, and as images open over a past case."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from malariascope.core.register import Register
from malariascope.gui import file_dialogs
from tests.gui.helpers import SCREEN_TIMEOUT_MS, screen_and_wait
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
    monkeypatch.setattr(file_dialogs, "ask_report_path", lambda *args, **kwargs: (report, False))
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=WAIT_MS):
        window.actions.export_pdf.trigger()
    text = read_pdf(report)[1]
    assert "Slide (sample) id X-3" in text and "Signed by Cy" in text
    assert window.case_flow.new_case(ask=False)  # the view ends: the window's empty case
    assert _reports_enabled(window) == (False, False)


def test_images_opened_over_a_signed_past_case_start_a_new_case_and_say_so(
        dialog, qtbot, tmp_path, data_folder, monkeypatch):  # noqa: F811
    """File > Open images… over a signed case shown from the register started a new case
    without a word: the technician could take the new cells for the signed slide's."""
    window = open_past(dialog, qtbot, "S-1")
    images = sorted(str(path) for path in (tmp_path / "slide").glob("*.png"))[:3]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: (images, ""))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.actions.open_images.trigger()
    told = [box.text() for box in window.findChildren(QMessageBox)
            if box.isVisible() and box.windowTitle() == "New case"]
    assert told == ["These images start a new case: the signed case S-1 stays in the case "
                    "register as it is. To add images to S-1, open it from File > Case "
                    "register… and amend it."]
    assert window.past_case.shown is None and len(window.batch) == 3
    assert window.batch.facts.sample_id == "" and not window.case.signed
    with Register(data_folder) as register:
        past = next(case for case in register.cases() if case.facts.sample_id == "S-1")
        assert (past.status, past.rows) == ("signed", 8)
