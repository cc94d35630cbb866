"""File > Withdraw the amendment in the real window: an amendment that changed nothing gives
the case back its signed version, in the window, the register and the reports; one that
changed the case says what changed and stays open."""

from __future__ import annotations

from malariascope.core.clock import utc_minute
from malariascope.core.register import Register
from tests.gui.helpers import (
    amend_case,
    close_window,
    keep_amending_at_quit,
    restore_at_start,
    wait_for_box,
)
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_register_dialog import open_past, open_register
from tests.reports import read_pdf, read_rows


def signed_and_amended(window, qtbot):
    """Sign ``window``'s case as Ann Lee, wait until the register holds it, then amend it;
    the signed version."""
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)
    signed = window.case.case.signed
    assert amend_case(window, qtbot, "opened the wrong case", "Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    return signed


def withdraw(window, qtbot) -> None:
    """Withdraw the amendment from the menu and wait until the register holds the case."""
    action = window.actions.withdraw_amendment
    assert action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)


def assert_signed_as_before(window, signed, data_folder) -> None:
    """The window and the register hold the case signed as ``signed``, never amended."""
    case = window.case.case
    assert case.signed == signed and case.amendments == () and not case.amending
    actions = window.actions
    assert [actions.sign.isEnabled(), actions.amend.isEnabled(),
            actions.withdraw_amendment.isEnabled()] == [False, True, False]
    window.table.select_source_row(0)
    window.review_current("parasitized")  # refused: the case is signed
    assert window.batch.counts.reviewed == 0 and not window.batch.history
    shown = window.case_panel.result.text()
    assert "Read-only" in shown and "amended" not in shown
    with Register(data_folder) as register:
        stored, summary = register.load(case.uid), register.cases()[0]
    assert stored.case.signed == signed and stored.case.amendments == ()
    assert (summary.status, summary.amendments) == ("signed", 0)


def test_an_amendment_that_changed_nothing_is_withdrawn_to_the_signed_result(
        screened_window, qtbot, data_folder, tmp_path):
    window = screened_window
    signed = signed_and_amended(window, qtbot)
    with Register(data_folder) as register:
        assert register.cases()[0].status == "open"  # withdrawn while amended
    assert not window.actions.amend.isEnabled()
    withdraw(window, qtbot)
    assert_signed_as_before(window, signed, data_folder)
    with Register(data_folder) as register:
        register.export_csv(tmp_path / "cases.csv")
    row = read_rows(tmp_path / "cases.csv")[0]
    assert (row["status"], row["amendments"], row["amendments_detail"]) == ("signed", "0", "")
    (note,) = window.case.case.withdrawn  # what the register, its CSV and the PDF keep of it
    opened, withdrawn = utc_minute(note.opened_at), utc_minute(note.withdrawn_at)
    assert row["amendments_withdrawn"] == (
        f'1. opened {opened}, withdrawn {withdrawn}, "Ann Lee": "opened the wrong case"')
    path = tmp_path / "case.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    assert "Signed by Ann Lee" in text and "Amendment 1" not in text
    assert (f"Amendment withdrawn unchanged: opened {opened} by Ann Lee: opened the wrong "
            f"case; withdrawn {withdrawn}.") in text


def test_the_status_bar_still_says_what_was_done_once_the_case_is_saved(screened_window, qtbot):
    """"Case saved to the register" replaced each line telling what was done as soon as the
    save ended: the amendment withdrawn, whose name signs again, or "sign again when done"."""
    window = screened_window
    said = window.statusBar().currentMessage
    signed_and_amended(window, qtbot)
    qtbot.waitUntil(lambda: said() == "Amended and saved to the register: the signed version "
                    "is kept; sign again when done", timeout=WAIT_MS)
    withdraw(window, qtbot)
    qtbot.waitUntil(lambda: said() == "Amendment withdrawn: signed by Ann Lee as before; saved "
                    "to the register", timeout=WAIT_MS)

def test_a_case_signed_and_saved_says_who_signed_it(screened_window, qtbot):
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Signed by Ann Lee; saved to the register", timeout=WAIT_MS)

def test_an_amendment_with_a_review_made_is_not_withdrawn_and_says_so(screened_window, qtbot,
                                                                      data_folder):
    window = screened_window
    signed_and_amended(window, qtbot)
    window.table.select_source_row(0)
    window.review_current("confirm")
    window.table.select_source_row(0)
    window.review_current(None)  # taken back: the decision stays in the audit trail
    assert window.batch.counts.reviewed == 0 and len(window.batch.history) == 2
    window.actions.withdraw_amendment.trigger()
    box = wait_for_box(qtbot, window, "Amendment not withdrawn")
    assert "case S-RACE cannot be withdrawn" in box.text()
    assert "2 review decisions made" in box.text()
    assert "Sign the case again" in box.text()
    box.close()
    assert window.case.case.amending and window.case.case.signed is None
    assert window.actions.sign.isEnabled()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert register.cases()[0].status == "open"


def test_an_amendment_restored_at_the_next_start_is_withdrawn(screened_window, make_window,
                                                              qtbot, data_folder):
    window = screened_window
    signed = signed_and_amended(window, qtbot)
    keep_amending_at_quit(window)
    window.close()  # the amendment is kept, offered back at the next start
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    again = restore_at_start(make_window, qtbot)
    assert again.case.case.amending
    withdraw(again, qtbot)
    assert_signed_as_before(again, signed, data_folder)
    close_window(again, qtbot)
    with Register(data_folder) as register:
        assert register.work() is None  # nothing is offered back any more


def test_the_case_tab_tells_a_withdrawn_amendment_as_the_pdf_does(screened_window, qtbot,
                                                                  data_folder):
    """The register's CSV, `cases list --json` and the PDF told an amendment withdrawn
    unchanged; the Case tab did not, in the window that withdrew it nor when the case was
    opened again from the register."""
    window = screened_window
    signed_and_amended(window, qtbot)
    withdraw(window, qtbot)
    (note,) = window.case.case.withdrawn
    told = (f"Amendment withdrawn unchanged: opened {utc_minute(note.opened_at)} by Ann Lee: "
            f"opened the wrong case; withdrawn {utc_minute(note.withdrawn_at)}.")
    assert told in window.case_panel.result.text()
    assert window.case_flow.new_case(ask=False)
    assert "withdrawn" not in window.case_panel.result.text()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert window.past_case.shown is not None  # signed: read-only
    assert told in window.case_panel.result.text()
