"""Signing a case: what the signature says of the slide's shortfalls, and the review the
question before it offers."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from malariascope.gui.batch import UNSURE
from malariascope.gui.case_dialogs import AmendDialog, SignDialog
from tests.gui.helpers import click, screen_and_wait, wait_for_box, with_healthy_cells_uncertain


def _words(dialog: SignDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def _shown(dialog: QDialog) -> str:
    """The words of ``dialog`` on show."""
    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())


def _sign_dialog(window, qtbot) -> SignDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    return next(d for d in window.findChildren(SignDialog) if d.isVisible())


def test_review_them_before_signing_shows_only_the_cells_nobody_reviewed(window, qtbot,
                                                                          cell_folder):
    """"Review them" showed the Uncertain filter, reviewed cells and all: the review keys,
    moving on down that list, landed on cells confirmed before and changed their review.
    And it left the Case tab beside the list, the cell under review hidden."""
    batch = with_healthy_cells_uncertain(window, qtbot, cell_folder[0])
    suspects = [row for row in range(len(batch)) if batch.suspect(row)]
    assert len(suspects) >= 4
    for row in suspects[:2]:
        assert batch.confirm(row)
    window.central.show_case()  # the case's facts beside the list, as at signing
    window.actions.sign.trigger()
    click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Review them")
    shown = [window.proxy.mapToSource(window.proxy.index(at, 0)).row()
             for at in range(window.proxy.rowCount())]
    assert shown and sorted(shown) == suspects[2:]
    assert window.central.tabs.currentWidget() is window.detail  # the cell under review
    for _ in shown:
        qtbot.keyClick(window.table, Qt.Key.Key_U)
    assert [batch.review(row) for row in suspects[:2]] == ["confirmed", "confirmed"]
    assert all(batch.reviewed(row) for row in suspects) and window.proxy.rowCount() == 0


def test_the_signature_says_a_target_not_reached_and_one_flagged_cell(window, qtbot,
                                                                      cell_folder):
    """The signature's dialog said only how many flagged cells had no review ("1 flagged
    cells are not reviewed"), not that the slide fell short of its target."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    batch = window.batch
    batch.set_sample_id("S-2")
    suspects = [row for row in range(len(batch)) if batch.suspect(row)]
    for row in suspects[1:]:
        assert batch.confirm(row)
    window.actions.sign.trigger()
    box = wait_for_box(qtbot, window, "Flagged cells not reviewed")
    assert box.text().startswith("1 flagged cell (called parasitized or uncertain by the "
                                 "model) is not reviewed.")
    click(box, "Sign anyway")
    words = _words(_sign_dialog(window, qtbot))
    assert "The signed result says so:" in words
    assert "• Fewer red cells counted (12) than the target (2,000)" in words
    assert "• 1 flagged cell was not reviewed." in words
    assert "not screened" not in words
    _sign_dialog(window, qtbot).reject()


def test_review_them_with_only_a_cell_marked_unsure_left_shows_that_cell(window, qtbot,
                                                                          cell_folder):
    """With every flagged cell reviewed but one marked unsure, the question said "1 flagged
    cell ... is not reviewed" and Review them opened an empty review queue."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    batch = window.batch
    batch.set_sample_id("S-3")
    suspects = [row for row in range(len(batch)) if batch.suspect(row)]
    assert len(suspects) >= 2
    for row in suspects[1:]:
        assert batch.confirm(row)
    assert batch.set_review(suspects[0], UNSURE)
    window.actions.sign.trigger()
    box = wait_for_box(qtbot, window, "Flagged cells not reviewed")
    assert box.text().startswith("1 flagged cell marked unsure waits for a second reader: "
                                 "it is not reviewed.")
    click(box, "Review them")
    assert window.proxy.rowCount() > 0
    assert window.table.current_source_row() == suspects[0]
    assert window.lists.gallery_shown()


def test_export_review_them_with_only_an_uncertain_cell_marked_unsure_shows_that_cell(
        window, qtbot, cell_folder):
    """Export's question counted an uncertain cell marked unsure as not reviewed, and its
    Review them opened an empty review queue, as Sign's did."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    batch = window.batch
    batch.set_sample_id("S-4")
    row = next(row for row in range(len(batch)) if batch.results[row].ok)
    batch.set_threshold(batch.results[row].probability)  # that cell lies in the band
    for other in range(len(batch)):
        if other != row and batch.suspect(other):
            assert batch.confirm(other)
    assert batch.uncertain(row) and batch.set_review(row, UNSURE)
    assert batch.counts.unreviewed_uncertain == 1
    window.actions.export.trigger()
    box = wait_for_box(qtbot, window, "Unreviewed uncertain cells")
    assert box.text().startswith("1 uncertain cell is not reviewed yet, 1 of them marked "
                                 "unsure for a second reader.")
    assert box.text().endswith("infected cells are often among them. Review them lists it.")
    click(box, "Review them")
    assert window.proxy.rowCount() > 0 and window.table.current_source_row() == row


def _sign_form(window, qtbot, cell_folder) -> SignDialog:
    """Screen a slide and open the Sign form (signing anyway with flagged cells unreviewed),
    the keys in its name box."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.batch.set_sample_id("S-5")
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    dialog = _sign_dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.name)
    return dialog


def _signed_by_keys(window, qtbot, cell_folder) -> None:
    """Screen a slide and sign it with the keys alone: Return in the name box signs nothing,
    Tab to Sign and Return signs."""
    dialog = _sign_form(window, qtbot, cell_folder)
    qtbot.keyClicks(dialog.name, "Ann Lee")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and not window.case.signed
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.ok
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.case.signed))


def test_return_on_the_focused_sign_button_signs(window, qtbot, cell_folder):
    """With no button the default, Return did nothing even with the keys on Sign: only Space
    or a click signed."""
    _signed_by_keys(window, qtbot, cell_folder)
    assert window.case.case.signed.signature.name == "Ann Lee"
    assert not any(d.isVisible() for d in window.findChildren(SignDialog))


def test_enter_on_the_amend_forms_buttons_presses_the_one_with_the_keys(window, qtbot,
                                                                        cell_folder):
    """Enter on the Amend form's Cancel, then on Amend, did nothing, as on Sign."""
    _signed_by_keys(window, qtbot, cell_folder)
    for key, amended in ((Qt.Key.Key_Enter, False), (Qt.Key.Key_Return, True)):
        window.actions.amend.trigger()
        dialog = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
        qtbot.waitUntil(lambda dialog=dialog: dialog.focusWidget() is dialog.reason)
        qtbot.keyClicks(dialog.reason, "Second reader")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # on to the name
        qtbot.keyClicks(dialog.name, "Ben Okafor")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # in a box: nothing
        assert dialog.isVisible()
        qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.ok
        if not amended:
            qtbot.keyClick(dialog.ok, Qt.Key.Key_Tab)
            assert dialog.focusWidget() is dialog.cancel
        qtbot.keyClick(dialog.focusWidget(), key)
        qtbot.waitUntil(lambda dialog=dialog: not dialog.isVisible())
        # a window without autosave amends once the register has answered its check, and
        # any window once it holds the case's amending lock
        qtbot.waitUntil(lambda: not (window.case_flow.amending.checking
                                     or window.autosave.amending.taking))
        assert (window.case.case.signed is None) is amended


def test_the_sign_forms_time_follows_the_clock_while_it_is_open(window, qtbot, monkeypatch):
    """The form showed the minute it opened, while the signature keeps the moment Sign is
    clicked: a form left open a minute read 06:37 over a record of 06:38."""
    from malariascope.core.clock import utc_minute
    from malariascope.gui import case_dialogs

    dialog = SignDialog(window, "S-1", "Ann Lee", [])
    later = utc_minute("2031-05-04T03:02:00+00:00")

    def shown() -> list[str]:
        return [label.text() for label in dialog.findChildren(QLabel)]

    assert later not in shown()
    monkeypatch.setattr(case_dialogs, "utc_now", lambda: "2031-05-04T03:02:00+00:00")
    qtbot.waitUntil(lambda: later in shown(), timeout=5_000)
    dialog.close()


def _whole(dialog: QDialog) -> bool:
    """True when every label of ``dialog`` is as tall as its words need."""
    labels = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    return all(label.height() >= label.heightForWidth(label.width()) for label in labels
               if label.wordWrap())


def test_enter_in_a_box_of_the_sign_and_amend_forms_says_how_to_go_on(window, qtbot,
                                                                      cell_folder):
    """Enter in the Sign form's name box did nothing and said nothing: a technician who typed
    a name and pressed Enter was left waiting. It still signs nothing (one Enter must not
    sign with the shortfalls unread); the form says how to sign from the keyboard, and on
    Enter names the empty box it gives the keys to, its words kept whole. In the Amend form
    the empty reason gets the keys."""
    dialog = _sign_form(window, qtbot, cell_folder)
    how = "Enter in a box does not sign: Tab to Sign, then press Enter."
    assert how in _shown(dialog)
    dialog.name.clear()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert f"Signed by is empty. {how}" in _shown(dialog)
    assert dialog.focusWidget() is dialog.name and _whole(dialog)
    qtbot.keyClicks(dialog.name, "Ann Lee")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Enter)
    assert f"<b>{how}</b>" in _shown(dialog) and _whole(dialog)
    assert dialog.isVisible() and not window.case.signed
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.case.signed))

    window.actions.amend.trigger()
    amend = next(d for d in window.findChildren(AmendDialog) if d.isVisible())
    qtbot.waitUntil(lambda: amend.focusWidget() is amend.reason)
    qtbot.keyClick(amend.reason, Qt.Key.Key_Tab)  # on to the name, the reason left empty
    qtbot.keyClick(amend.name, Qt.Key.Key_Return)
    assert "Reason is empty. Enter in a box does not amend" in _shown(amend)
    assert amend.focusWidget() is amend.reason and amend.isVisible()
    amend.reject()


def test_the_questions_before_signing_are_answered_with_alt_and_a_letter(window, qtbot,
                                                                         cell_folder):
    """Review them and Sign anyway had no letter: a technician on the keyboard alone had to
    Tab to them, as in no other question of the window."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.batch.set_sample_id("S-3")

    def press(letter: Qt.Key) -> None:
        window.actions.sign.trigger()
        box = wait_for_box(qtbot, window, "Flagged cells not reviewed")
        box.activateWindow()  # a mnemonic works in the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
        qtbot.keyClick(box, letter, Qt.KeyboardModifier.AltModifier)

    press(Qt.Key.Key_S)
    _sign_dialog(window, qtbot).reject()
    press(Qt.Key.Key_R)
    qtbot.waitUntil(lambda: 0 < window.proxy.rowCount() < len(window.batch))
    shown = [window.proxy.mapToSource(window.proxy.index(at, 0)).row()
             for at in range(window.proxy.rowCount())]
    assert all(window.batch.suspect(row) for row in shown)


def test_the_sign_form_names_a_file_that_could_not_be_read(window, qtbot, tmp_path,
                                                          cell_test_dir):
    """With a file of the slide unreadable the form said "Every cell was screened and every
    flagged cell reviewed": a technician signed without replacing it, as they still could."""
    slide = tmp_path / "slide"
    slide.mkdir()
    for label in ("parasitized", "uninfected"):
        for path in sorted((cell_test_dir / label).glob("*.png"))[:50]:
            shutil.copy(path, slide / path.name)
    whole = path.read_bytes()
    (slide / "cut_short.png").write_bytes(whole[:len(whole) // 2])
    screen_and_wait(window, qtbot, [slide])
    window.case_panel.target.setValue(100)
    batch = window.batch
    batch.set_sample_id("S-6")
    for row in range(len(batch)):
        if batch.suspect(row):
            assert batch.confirm(row)
    assert batch.counts.errors == 1 and not window.case.result().shortfalls()
    window.actions.sign.trigger()
    words = _words(_sign_dialog(window, qtbot))
    assert "Every cell was screened" not in words
    assert ("The signed result says so:\n• Without a call: 1 file (1 unreadable), not counted."
            in words)
    _sign_dialog(window, qtbot).reject()
