"""A case cut short in the case register: listed open, partial, and partial still once signed,
amended in a new window, or signed with autosave off."""

from __future__ import annotations

import shutil

from malariascope.core.register import Register
from malariascope.gui.app import start
from malariascope.gui.cases_table import COLUMNS as CASE_COLUMNS
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    amend_case,
    click,
    close_window,
    wait_for_box,
)
from tests.gui.test_partial_batch import listed_status
from tests.gui.test_register_dialog import open_register
from tests.reports import read_pdf


def test_the_register_lists_a_case_cut_short_as_open_partial(make_window, qtbot, cut_short):
    """The register's list said "open" of a case cut short, as of one screened whole."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    dialog = open_register(window, qtbot)
    (case,) = dialog.model.cases
    status = dialog.model.index(0, CASE_COLUMNS.index("Status")).data()
    assert (case.facts.sample_id, status) == ("S-KILL-1", "open, partial")


def test_a_signed_case_cut_short_stays_partial_when_amended_in_a_new_window(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """Whether the screening was whole lived only with the window's work: once the window
    closed, the signed case listed as plain "signed"; amended from the register, it listed
    as "open" and its PDF, signed again, no longer said its screening was partial. Then it
    said "some image files" were not screened: the 12 files found stayed with the window's
    work."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann")
    close_window(window, qtbot)  # saved signed: closing asks nothing, and ends the work
    assert listed_status(data_folder) == "signed, partial"

    other = make_window(start=False)
    with qtbot.waitSignal(other.controller.model_ready, timeout=60_000):
        start(other)  # a past case is shown once the model is loaded
    qtbot.waitUntil(lambda: other.autosave.register is not None, timeout=60_000)
    dialog = open_register(other, qtbot)
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.case_loaded, timeout=60_000):
        dialog.open_selected()
    with qtbot.waitSignal(other.case_flow.saved, timeout=60_000):
        assert amend_case(other, qtbot, "patient id mistyped", "Bob")
    assert listed_status(data_folder) == "open, partial"
    with qtbot.waitSignal(other.case_flow.saved, timeout=60_000):
        assert other.case_flow.sign("Bob")
    pdf = tmp_path / "amended.pdf"
    with qtbot.waitSignal(other.case_flow.reports.written, timeout=60_000):
        other.case_flow.reports.export_pdf(pdf)
    assert ("PARTIAL: screening was stopped and 7 image files of the batch were not "
            "screened") in " ".join(read_pdf(pdf)[1].split())
    assert listed_status(data_folder) == "signed, partial"


def test_a_case_cut_short_signed_with_autosave_off_is_listed_partial(
        make_window, qtbot, cut_short, data_folder):
    """A second window (autosave off: the first keeps its work) saved a case it signed with
    no word of its screening: the register listed it as plain "signed"."""
    _, session = cut_short
    shutil.rmtree(data_folder / "session")  # nothing for the first window to offer back
    first = make_window()
    start(first)
    qtbot.waitUntil(lambda: first.autosave.register is not None, timeout=60_000)
    second = make_window(start=False)
    with qtbot.waitSignal(second.controller.model_ready, timeout=60_000):
        start(second)
    qtbot.waitUntil(lambda: second.status.autosave_label.toolTip().startswith(
        "Autosave is off"), timeout=60_000)
    second.controller.restore(session)
    with qtbot.waitSignal(second.case_flow.saved, timeout=60_000):
        assert second.case_flow.sign("Ann")
    assert listed_status(data_folder) == "signed, partial"
    with Register(data_folder) as register:  # and the 12 files found, for a reprint to tell
        (case,) = register.cases()
        assert register.load(case.uid).files_found == 12
