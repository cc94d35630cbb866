"""A box of the case form holding a value the case refused: it stays in the box beside its
reason, and the case is neither signed nor reported until the box is corrected."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.gui.helpers import answer_next_dialog, click, screen_and_wait, wait_for_box

REFUSED_MS = 5_000  # a refusal comes at once; the old flow went on to the next question


@pytest.fixture
def screened(window, qtbot, cell_folder):
    """The window with a slide screened and its slide id typed, the case form on show."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "S-FORM")
    return window


def _leave(qtbot, box) -> None:
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter gives the keys back to the cell list


def test_signing_with_a_date_the_case_refused_is_refused_and_shows_the_box(screened, qtbot):
    """Signed with "2026-13-45" in Collected on, the case went to the register without a
    collection date, the box emptied and its red note left standing."""
    window, panel = screened, screened.case_panel
    qtbot.keyClicks(panel.collected_on, "2026-13-45")  # and signed before leaving the box
    window.actions.sign.trigger()
    box = wait_for_box(qtbot, window, "Cannot sign yet", timeout=REFUSED_MS)
    assert '"Collected on" box' in box.text() and "'2026-13-45' is not a date" in box.text()
    assert window.central.tabs.currentWidget() is panel
    box.close()  # the box to correct gets the keys, not the list (as after other messages)
    qtbot.waitUntil(lambda: window.focusWidget() is panel.collected_on, timeout=REFUSED_MS)
    assert not window.case.signed
    assert panel.collected_on.text() == "2026-13-45" and "2026-13-45" in panel.error.text()

    panel.collected_on.clear()
    qtbot.keyClicks(panel.collected_on, "2026-02-27")
    window.actions.sign.trigger()  # corrected: on to the signature
    click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Cancel")
    assert window.case.case.facts.collected_on == "2026-02-27" and panel.error.text() == ""


def test_a_refused_red_cell_count_stays_in_its_box_beside_its_reason(screened, qtbot):
    """A red cell count the case refused vanished from its box at the next fact typed
    anywhere in the form, its reason cleared, and nothing said it was not kept."""
    panel = screened.case_panel
    qtbot.keyClicks(panel.rbc, "45000")
    _leave(qtbot, panel.rbc)
    assert "not 45000" in panel.error.text()
    qtbot.keyClicks(panel.site, "Ward 3")
    assert panel.case.case.facts.site == "Ward 3"
    assert panel.rbc.text() == "45000" and "not 45000" in panel.error.text()
    assert panel.case.case.facts.rbc_per_ul is None
    panel.rbc.setText("4,800,000")
    _leave(qtbot, panel.rbc)
    assert panel.case.case.facts.rbc_per_ul == 4_800_000 and panel.error.text() == ""


@pytest.mark.parametrize(("typed", "named"), [("45000", "not 45000"),
                                              ("45000000", "not 45000000"),
                                              ("4,5 x", "not '4,5 x'")])
def test_a_refused_red_cell_count_is_named_as_typed(screened, qtbot, typed, named):
    """45000 typed was refused as "not 45000.0", and "4,5 x" as "not '45x'": the reason
    named neither what was typed nor what the box showed."""
    window, panel = screened, screened.case_panel
    qtbot.keyClicks(panel.rbc, typed)
    _leave(qtbot, panel.rbc)
    assert panel.error.text().endswith(named) and panel.rbc.text() == typed
    window.actions.sign.trigger()  # the refusal that names the box names it as typed too
    box = wait_for_box(qtbot, window, "Cannot sign yet", timeout=REFUSED_MS)
    assert f"{named}. Correct it" in box.text()
    box.close()


@pytest.mark.parametrize("action", ["export", "export_pdf", "print_report"])
def test_no_report_is_made_while_a_box_holds_a_refused_value(screened, qtbot, monkeypatch,
                                                              action):
    """The CSV and PDF reports and the printout left out a red cell count the case refused,
    without a word."""
    from PySide6.QtPrintSupport import QPrintDialog

    window, panel = screened, screened.case_panel
    asked = []  # where to write or print: cancelled, so an old flow does not block the test
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: asked.append(1) or ("", ""))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _: asked.append(1) or 0)
    qtbot.keyClicks(panel.rbc, "45000")
    _leave(qtbot, panel.rbc)
    getattr(window.actions, action).trigger()
    box = wait_for_box(qtbot, window, "Check the case form", timeout=REFUSED_MS)
    assert '"Red cells per µL" box' in box.text() and "not 45000" in box.text()
    assert not asked
    box.close()
    qtbot.waitUntil(lambda: window.focusWidget() is panel.rbc, timeout=REFUSED_MS)


def test_a_new_case_takes_no_refused_value_of_the_last(screened, qtbot):
    """The note and the boxes agree in a new case: neither the refused date nor its reason
    is carried over."""
    window, panel = screened, screened.case_panel
    qtbot.keyClicks(panel.collected_on, "2026-13-45")
    _leave(qtbot, panel.collected_on)
    assert "2026-13-45" in panel.error.text()
    assert window.case_flow.new_case(ask=False)
    assert panel.collected_on.text() == "" and panel.error.text() == ""
    assert panel.refused_box() is None


def test_a_case_does_not_leave_the_window_without_its_refused_value(screened, qtbot):
    """New case went on to keep the case for later or discard it, the date typed in
    Collected on and refused dropped without a word."""
    window, panel = screened, screened.case_panel
    cells, uid = len(window.batch), window.batch.case.uid
    qtbot.keyClicks(panel.collected_on, "2026-13-45")
    _leave(qtbot, panel.collected_on)
    seen = []  # the first message: the question to keep or discard the case blocks
    answer_next_dialog(window, lambda box: seen.append((box.windowTitle(), box.text()))
                       or box.close())
    window.actions.new_case.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=REFUSED_MS)
    title, text = seen[0]
    assert title == "Check the case form"
    assert '"Collected on" box' in text and "before the case leaves" in text
    qtbot.waitUntil(lambda: window.focusWidget() is panel.collected_on, timeout=REFUSED_MS)
    assert len(window.batch) == cells and window.batch.case.uid == uid
    assert panel.collected_on.text() == "2026-13-45"


def test_quit_does_not_take_the_case_away_without_its_refused_value(screened, qtbot):
    """Quit asked to keep the case for later or discard it (or nothing, once exported), the
    date typed in Collected on and refused dropped without a word."""
    window, panel = screened, screened.case_panel
    qtbot.keyClicks(panel.collected_on, "2026-13-45")
    _leave(qtbot, panel.collected_on)
    seen = []  # the first message: the question to keep or discard the case blocks
    answer_next_dialog(window, lambda box: seen.append(box.windowTitle()) or box.close())
    window.close()
    qtbot.waitUntil(lambda: bool(seen), timeout=REFUSED_MS)
    assert seen == ["Check the case form"] and window.isVisible()
    assert panel.collected_on.text() == "2026-13-45"


@pytest.mark.parametrize(("box", "fact"), [("patient_id", "patient id"),
                                           ("sample_id", "slide (sample) id"),
                                           ("notes", "notes")])
def test_a_direction_control_pasted_in_the_form_is_refused_beside_its_box(screened, qtbot, box,
                                                                          fact):
    """"P\u202eevil" pasted as the patient id was taken: the box, the reports and the PDF
    showed "Plive", while the register held the letters in another order."""
    panel = screened.case_panel
    field = getattr(panel, box)
    kept = (panel.case.case.facts, panel.case.batch.facts)
    field.selectAll()
    QApplication.clipboard().setText("P\u202eevil")  # copied from a web page or a sheet
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert (field.toPlainText() if box == "notes" else field.text()) == "P\u202eevil"
    assert panel.error.text() == (f"{fact} holds the invisible direction control U+202E, "
                                  "which shows the text around it out of order: type the "
                                  "text again rather than paste it")
    assert (panel.case.case.facts, panel.case.batch.facts) == kept
    field.selectAll()
    qtbot.keyClicks(field, "P-1")  # typed again without it: taken, the reason gone
    assert getattr(panel.case.case.facts, box) == "P-1" and panel.error.text() == ""
