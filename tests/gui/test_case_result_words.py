"""The Case tab's words on an amended case, in the real window: as many signed versions kept
as the case was amended, as the status bar and the printed report count them."""

from __future__ import annotations

from malariascope.core.clock import utc_minute
from tests.gui.helpers import amend_case
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_withdraw_amendment import signed_and_amended


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
