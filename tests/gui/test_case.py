"""The slide as the unit of work in the real window: a case gathered from several folders,
counted against its target, signed, refused edits and amended."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QProxyStyle, QStyle

from malariascope.core.errors import CaseSignedError
from malariascope.core.register import Register
from malariascope.core.tally import PARASITIZED
from malariascope.gui.case_dialogs import AmendDialog, SignDialog
from tests.gui import case_steps
from tests.gui.case_steps import _gather, _printed_cells, _sign, _type_facts
from tests.gui.helpers import SCREEN_TIMEOUT_MS, click, close_window, wait_for_box
from tests.images import make_cell_folder

two_folders = case_steps.two_folders  # the fixture, shared


def test_the_window_gathers_two_folders_into_one_case_and_signs_it(
        window, qtbot, two_folders, data_folder):
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders)
    batch, case = window.batch, window.case
    assert len(batch) == 24 and batch.facts.sources == tuple(f.name for f in two_folders)
    assert window.summary.text("cells") == "24 / 100"
    assert batch.confirm(0) and window.isWindowModified()
    result = case.result()
    assert (result.cells_counted, result.target_cells, result.target_reached) == (24, 100, False)
    assert "24 / 100 red cells counted: 76 to go" in window.case_panel.result.text()
    assert "Parasites per µL" in window.case_panel.result.text()
    assert result.parasites_per_ul is None  # no red cell count entered: none assumed

    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        assert window.open_paths([two_folders[0]])  # a folder added twice counts once
    assert len(batch) == 24 and "12 files already in the case" in window.status.currentMessage()

    flagged = result.unreviewed_flagged
    assert flagged > 0
    _sign(window, qtbot)
    signed = case.case.signed
    assert signed.signature.name == "Ann Lee" and signed.signature.unreviewed_flagged == flagged
    assert signed.facts.sample_id == "S-2026-0412" and signed.facts.patient_id == "P-00917"
    assert "Signed" in window.case_panel.result.text()
    assert not window.isWindowModified()  # saved: quitting asks nothing
    with Register(data_folder) as register:
        stored = register.load(case.case.uid)
        assert stored.case.signed == signed and len(stored.cells) == 24
        assert stored.case.sources == batch.facts.sources
        assert len(register.pictures(case.case.uid)) == _printed_cells(batch) > 0


def test_a_signed_case_refuses_reviews_undo_facts_threshold_and_images(window, qtbot,
                                                                         two_folders, tmp_path):
    """A signed case takes no review, fact, threshold or image; Undo and Redo are off."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    batch = window.batch
    window.table.select_source_row(1)
    window.review_current(PARASITIZED)  # before signing: an undoable step
    _sign(window, qtbot)
    decisions = list(batch.history)
    assert not window.actions.undo.isEnabled() and not window.actions.redo.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert batch.history == decisions and batch.reviewed(1)
    window.table.select_source_row(0)
    window.review_current(PARASITIZED)
    assert batch.history == decisions and not batch.reviewed(0)
    assert "is signed: amend it" in window.status.currentMessage()
    with pytest.raises(CaseSignedError):
        batch.set_reviews({0: PARASITIZED})
    with pytest.raises(CaseSignedError):
        batch.set_sample_id("S-other")
    assert not window.case_panel.sample_id.isEnabled()
    assert not window.controls.threshold.isEnabled()
    assert not window.actions.open_folder.isEnabled() and not window.actions.sign.isEnabled()
    make_cell_folder(tmp_path / "more", 3)
    assert not window.open_paths([tmp_path / "more"]) and len(batch) == 12


def test_an_amendment_keeps_the_signed_version(window, qtbot, two_folders, data_folder):
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    window.table.select_source_row(0)
    window.actions.confirm.trigger()  # a review the signature counts
    _sign(window, qtbot)
    first = window.case.case.signed
    window.actions.amend.trigger()
    dialog = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
    assert not dialog.ok.isEnabled()  # no reason, no amendment
    dialog.reason.setPlainText("A second reader reviewed the parasitized cells")
    dialog.name.setText("Ben Okafor")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        dialog.ok.click()
    case = window.case.case
    assert case.signed is None and case.amendments[0].replaced == first
    assert case.amendments[0].by == "Ben Okafor"
    assert not window.actions.undo.isEnabled()  # undo never reaches a review signed before
    row = next(row for row in range(len(window.batch)) if window.batch.call(row) == PARASITIZED)
    window.table.select_source_row(row)
    window.review_current("uninfected")  # open again: a review is taken
    assert window.batch.final_call(row) == "uninfected" and window.actions.undo.isEnabled()
    _sign(window, qtbot, "Ben Okafor")
    assert not window.actions.undo.isEnabled()
    assert case.signed.result.parasitized == first.result.parasitized - 1
    with Register(data_folder) as register:
        stored = register.load(case.uid)
    assert stored.case.amendments[0].replaced == first and stored.case.signed == case.signed
    assert stored.finals[row] == "uninfected"


def test_a_reason_typed_at_once_into_the_amend_form_is_its_reason(window, qtbot, two_folders):
    """The Amend form opened with the keys on Cancel: the reason's letters were lost and its
    first space pressed Cancel, the case left signed without a word."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    _sign(window, qtbot)
    window.actions.amend.trigger()
    dialog = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    qtbot.keyClicks(dialog.focusWidget(), "Second reader")
    assert dialog.isVisible() and dialog.reason.toPlainText() == "Second reader"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # on to the name, no tab typed
    assert dialog.reason.toPlainText() == "Second reader" and dialog.focusWidget() is dialog.name


class _CancelFirst(QProxyStyle):
    """Buttons laid out as on GNOME and KDE desktops: Cancel left of OK, and first to Tab."""

    def styleHint(self, hint, *args):  # noqa: N802 (Qt API)
        if hint == QStyle.StyleHint.SH_DialogButtonLayout:
            return QDialogButtonBox.ButtonLayout.GnomeLayout.value
        return super().styleHint(hint, *args)


@pytest.fixture
def cancel_first(qapp):
    """The application styled with :class:`_CancelFirst` for the test."""
    name = qapp.style().name()
    qapp.setStyle(_CancelFirst(name))
    yield
    qapp.setStyle(name)


def test_one_enter_in_the_sign_form_does_not_sign(window, qtbot, two_folders, cancel_first):
    """The Sign form opened with the signer's name filled in and Sign as its default: one
    Enter, nothing read or typed, made the result final. Tab from the name went to Cancel, so
    Tab and Space cancelled."""
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders[:1])
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and not window.case.signed
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)  # Tab, then Space: Sign, not Cancel
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(window.case.signed))


def test_with_autosave_on_the_signed_case_is_the_one_case_in_the_register(
        make_window, qtbot, two_folders, data_folder):
    """Autosave keeps the case in progress in the register; signing saves that same case
    signed, with the pictures its report shows, never a second copy."""
    window = make_window()
    window.autosave.resume()
    qtbot.waitUntil(lambda: window.autosave.work is not None, timeout=30_000)
    _type_facts(window, qtbot)
    _gather(window, qtbot, two_folders)
    _sign(window, qtbot)
    uid = window.case.case.uid
    with Register(data_folder) as register:
        listed = register.cases()
        assert [(case.uid, case.status, case.rows) for case in listed] == [(uid, "signed", 24)]
        assert listed[0].signature == window.case.case.signed.signature
        assert len(register.pictures(uid)) == _printed_cells(window.batch)
    close_window(window, qtbot)
    with Register(data_folder) as register:
        assert [case.uid for case in register.cases()] == [uid]  # kept: it is signed
