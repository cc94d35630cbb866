"""The Case tab's words on a case, in the real window: on an amended case, as many signed
versions kept as the case was amended, as the status bar and the printed report count them;
why parasites per µL are not given, as the printed report says it."""

from __future__ import annotations

from malariascope.core.clock import utc_minute
from tests.gui.helpers import amend_case, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_withdraw_amendment import signed_and_amended
from tests.reports import read_pdf


def test_an_amended_case_says_how_many_signed_versions_are_kept(screened_window, qtbot):
    """Amended once, the tab said "the signed versions are kept" while the status bar said
    "the signed version is kept": one amendment keeps one."""
    window = screened_window
    signed_and_amended(window, qtbot)
    shown = window.case_panel.result.text()
    assert "(amended 1 time; the signed version is kept)" in shown
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert amend_case(window, qtbot, "second reader", "Ann Lee")
    shown = window.case_panel.result.text()
    assert "(amended 2 times; the 2 signed versions are kept)" in shown


def test_a_case_signed_again_after_an_amendment_tells_the_result_it_replaced(
        screened_window, qtbot):
    """Signed again after an amendment that changed a call, the tab said only who signed
    last, as if the result had never been signed otherwise; the printed report names the
    amendment and the result it replaced."""
    window = screened_window
    first = signed_and_amended(window, qtbot)
    window.table.select_source_row(0)
    window.review_current("uninfected" if window.batch.call(0) == "parasitized"
                          else "parasitized")
    assert window.case_flow.sign("Ann Lee")
    shown = window.case_panel.result.text()
    assert "<b>Signed</b> by Ann Lee" in shown
    assert ("Amendment 1: " in shown and "by Ann Lee: opened the wrong case. It replaced the "
            f"result signed by Ann Lee on {utc_minute(first.signature.signed_at)}" in shown)


def test_parasites_per_ul_of_no_red_cell_counted_are_not_blamed_on_a_count_not_entered(
        window, qtbot, tmp_path):
    """The red cells per µL entered and no file readable, the Case tab said "not given: enter
    the red cell count per µL to get it" and the PDF "not given: the red cell count per µL
    was not entered", while the register kept the 5,000,000 entered: no cell was counted."""
    folder = tmp_path / "slide"
    folder.mkdir()
    (folder / "notes.png").write_text("not an image", encoding="utf-8")
    (folder / "empty.png").write_bytes(b"")
    window.case_panel.rbc.setText("5000000")
    window.case_panel.rbc.editingFinished.emit()
    screen_and_wait(window, qtbot, [folder])
    result = window.case.result()
    assert (result.rbc_per_ul, result.cells_counted, result.unreadable) == (5_000_000, 0, 2)
    shown = window.case_panel.result.text()
    assert "Parasites per µL&nbsp;</td><td>not given: no red cell was counted</td>" in shown
    pdf = tmp_path / "slide.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=WAIT_MS):
        window.case_flow.reports.export_pdf(pdf)
    text = read_pdf(pdf)[1]  # NFKC: its µ is the Greek letter
    assert "Parasites per \u03bcL not given: no red cell was counted" in text
    assert "not entered" not in text
