"""The time of a signature, in a laboratory whose clock is not UTC: the Case tab, the
register's list and the printed report give the one time in the same words."""

from __future__ import annotations

import os
import time
from html import escape
from pathlib import Path

import pytest

from malariascope.core.clock import local_time, utc_minute
from malariascope.gui import case_dialogs
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.test_register_dialog import open_register
from tests.gui.test_register_table import _column
from tests.gui.test_unsure_in_reports import _export_pdf
from tests.test_printing_limits import printed_text

ZONE = "Asia/Kolkata"  # UTC+05:30: another hour, and another day in the evening


@pytest.fixture
def far_from_utc():
    """The process's local time zone set to :data:`ZONE` for the test, then put back."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_signature_time_is_the_same_in_the_case_tab_the_register_and_the_pdf(
        far_from_utc, screened_window, qtbot, tmp_path: Path):
    """At UTC+05:30 the Case tab said "Signed by Ann Lee at 00:32 on 2026-12-08", its
    amendment lines and the PDF "2026-12-07 19:02 UTC", and the register's list 00:32 with
    no zone: one signature, two clocks and two days. The list's Opened column, local time
    as a case is named, said no zone either beside the Signed column's UTC."""
    window = screened_window
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    signed_at = window.case.case.signed.signature.signed_at
    printed = utc_minute(signed_at)
    assert local_time(signed_at) != f"{printed[11:16]} on {printed[:10]}"  # the zone tells
    assert f"by Ann Lee on {escape(printed)};" in window.case_panel.result.text()
    pages = "".join(printed_text(_export_pdf(window, qtbot, tmp_path / "S.pdf")))
    assert "".join(f"Signed by Ann Lee on {printed}.".split()) in pages
    dialog = open_register(window, qtbot)
    assert _column(dialog, "Signed") == [printed]
    (opened,) = _column(dialog, "Opened")  # local, as a case is named: its zone said
    assert " UTC+05:30 on " in opened
    dialog.close()


def test_the_sign_form_gives_the_time_as_the_signature_is_printed(
        far_from_utc, window, monkeypatch):
    """At UTC+05:30 the Sign form read "Time 08:32 on 2031-05-04" over a signature the PDF
    prints "2031-05-04 03:02 UTC"."""
    monkeypatch.setattr(case_dialogs, "utc_now", lambda: "2031-05-04T03:02:00+00:00")
    dialog = SignDialog(window, "S-1", "Ann Lee", [])
    assert dialog.time.text() == "2031-05-04 03:02 UTC"
    dialog.close()
