"""Quitting says what becomes of the case on show: an open case leaves the register unless
kept for later (asked while no report holds it as it is), an amendment stays in it to be
finished. Quit during a screening: test_quit_during_screening.py."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from malariascope.gui.app import start
from malariascope.gui.save_pace import SAVE_EVERY_MS
from tests.gui.helpers import (
    amend_case,
    answer_next_dialog,
    click,
    close_window,
    keep_amending_at_quit,
    quit_window,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.saving_faults import (
    WAIT_MS,
    assert_signed,
    second_window_showing,
    second_window_showing_it_signed,
    writes_done,
)
from tests.gui.test_keep_for_later import KEEP_BUTTONS, answer, no_work_left, stored
from tests.gui.test_register_dialog import open_past, open_register
from tests.images import make_cell_folder


def test_quitting_an_open_case_with_reviews_says_the_case_leaves_the_register(
        screened_window, qtbot):
    """The question spoke only of "the reviews made since the last export", as if the case
    stayed; a clean quit takes the open case out of the register, unless it is kept for
    later (see test_keep_for_later.py)."""
    window = screened_window
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert not window.case_flow.leaving.may_quit()
    assert asked == ["Quit? The open case S-RACE is not signed. Keep for later leaves it in "
                     "the case register, open, to be finished from File > Case register…; "
                     "discarded, its 6 cells and 1 review leave the window and the register."]


def test_quitting_during_an_amendment_keeps_it_and_says_so_at_the_next_start(
        screened_window, make_window, qtbot):
    """Quit during an amendment asked to discard the reviews (Discard kept them all the
    same), and the next start said MalariaScope had stopped without closing. It asks
    whether to keep amending later (see test_quit_amending.py)."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)
    assert amend_case(window, qtbot, "a cell misread", "Ann Lee")
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    keep_amending_at_quit(window)
    window.close()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    again = make_window(start=False)
    start(again)
    box = wait_for_box(qtbot, again, "Restore unsaved work?")
    assert box.text().startswith("MalariaScope closed while a signed case was being amended")
    assert "stopped without closing" not in box.text()
    click(box, "Restore")
    assert again.case.case.amending and again.batch.counts.reviewed == 1


AMENDMENT_NOT_KEPT = "Quit? The amendment of case S-RACE is not kept in the case register"


def test_quitting_an_amendment_the_register_refuses_asks_first(screened_window, qtbot,
                                                              data_folder, slow_save):
    """With its saves refused (a full disk), Quit during an amendment closed unasked, as if
    autosave kept it, and the reviews made since were lost."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)
    assert amend_case(window, qtbot, "a cell misread", "Ann Lee")
    slow_save.refused = window.case.case.uid
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    window.autosave.save_now()
    qtbot.waitUntil(lambda: window.autosave.writes.retrying, timeout=WAIT_MS)
    for box in window.findChildren(QMessageBox):  # "Not saved", if the amendment's own failed
        if box.isVisible():
            click(box, "OK")
    asked: list[str] = []
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert not window.case_flow.leaving.may_quit()
    assert asked[0].startswith(AMENDMENT_NOT_KEPT)
    close_window(window, qtbot)


def test_quitting_an_amendment_with_autosave_off_says_what_the_register_keeps(
        screened_window, make_window, qtbot, data_folder):
    """With autosave off (another window keeps its work) the question said the amended case's
    cells "leave the window and the register", which keeps it, open; with no review since, it
    asked nothing, and the amendment was never offered back."""
    second = second_window_showing_it_signed(screened_window, make_window, qtbot, data_folder)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    asked: list[str] = []
    answer_next_dialog(second, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    assert not second.case_flow.leaving.may_quit()
    assert asked[0].startswith(AMENDMENT_NOT_KEPT) and "leave the window" not in asked[0]
    close_window(second, qtbot)


def test_an_amendment_restored_after_quit_is_saved_and_signed_in_the_register(
        screened_window, make_window, qtbot, data_folder):
    """Autosave began while the restore question was still open: the window's empty batch,
    saved as the model came ready, gave up the amendment the question offered, and once
    restored, each of its saves was refused ("cells were given from row 0, but 6 are
    stored"): its signature stayed out of the register while its PDF said signed."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window) and not window.isWindowModified(),
                    timeout=WAIT_MS)
    uid = window.case.case.uid
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")  # read-only
    assert amend_case(window, qtbot, "a cell misread", "Ann Lee")
    window.case.batch.set_review(0, window.case.batch.final_call(0))
    keep_amending_at_quit(window)
    window.close()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    again = make_window(start=False)
    start(again)
    box = wait_for_box(qtbot, again, "Restore unsaved work?")
    again.case.update(lab="Central Lab")  # as the lab's facts or the model come in
    qtbot.wait(SAVE_EVERY_MS + 500)  # the technician reads the question
    click(box, "Restore")
    failures: list[str] = []
    again.autosave.failed.connect(failures.append)
    again.case.batch.set_review(1, again.case.batch.final_call(1))
    again.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(again), timeout=WAIT_MS)
    assert not failures
    with qtbot.waitSignal(again.case_flow.saved, timeout=WAIT_MS):
        assert again.case_flow.sign("Bob Ray")
    qtbot.waitUntil(lambda: writes_done(again), timeout=WAIT_MS)
    assert_signed(data_folder, uid, by="Bob Ray")


def test_quitting_an_amendment_whose_pdf_shows_it_asks_without_pushing_the_export(
        screened_window, make_window, qtbot, data_folder, tmp_path):
    """Right after the amendment's PDF was written, Quit still said "Export its PDF first to
    keep what was changed". The register still lacks the changes (autosave is off here), so
    it asks, saying when the PDF was written; a change after the PDF asks for one again."""
    second = second_window_showing_it_signed(screened_window, make_window, qtbot, data_folder)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    second.case.batch.set_review(0, second.case.batch.final_call(0))
    with qtbot.waitSignal(second.case_flow.reports.written, timeout=WAIT_MS):
        second.case_flow.reports.export_pdf(tmp_path / "amended.pdf")
    asked: list[tuple[str, list[str]]] = []

    def cancel(box: QMessageBox) -> None:
        buttons = sorted(button.text().replace("&", "") for button in box.buttons())
        asked.append((box.text(), [box.defaultButton().text().replace("&", ""), *buttons]))
        click(box, "Cancel")

    answer_next_dialog(second, cancel)
    assert not second.case_flow.leaving.may_quit()
    text, buttons = asked[-1]
    assert text.startswith(AMENDMENT_NOT_KEPT) and "Export its PDF first" not in text
    assert "Its PDF, written at " in text and text.endswith("quit anyway?")
    assert buttons == ["Cancel", "Cancel", "Discard"]  # the default first: Enter loses nothing

    second.case.update(notes="second reader agreed")  # the PDF no longer shows it
    answer_next_dialog(second, cancel)
    assert not second.case_flow.leaving.may_quit()
    assert "Export its PDF first" in asked[-1][0] and "Export…" in asked[-1][1]
    close_window(second, qtbot)  # Discard


# -- an open case with cells and no review ----------------------------------------------
def test_quit_after_screening_offers_keep_for_later_and_keeps_the_cells(
        screened_window, qtbot, data_folder):
    """With no review made, Quit asked nothing and took the screened case out of the
    register: a screening run lost without a word."""
    window = screened_window
    asked = answer(window, "Cancel")
    window.close()
    assert window.isVisible() and asked[0][1] == KEEP_BUTTONS
    assert asked[0][0].startswith("Quit? The open case S-RACE is not signed.")
    answer(window, "Keep for later")
    quit_window(window, qtbot)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)} and no_work_left(data_folder)


def test_discard_on_quit_after_screening_takes_the_case_out_of_the_register(
        screened_window, qtbot, data_folder):
    window = screened_window
    asked = answer(window, "Discard")
    quit_window(window, qtbot)
    assert asked and stored(data_folder) == {} and no_work_left(data_folder)


def test_quit_asks_unless_the_last_report_holds_the_case_as_it_is(screened_window, qtbot,
                                                                  tmp_path):
    """A case whose report holds every cell, review and fact as they are leaves unasked;
    cells added after the report, or a slide id typed, are asked about."""
    window = screened_window
    report = tmp_path / "report.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report)
    asked = answer(window, "Cancel")  # the next question, whenever it comes
    assert window.case_flow.leaving.may_quit() and not asked
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "more", 2)[0].parent])
    assert not window.case_flow.leaving.may_quit() and len(asked) == 1
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report, overwrite=True)
    asked = answer(window, "Cancel")
    assert window.case_flow.leaving.may_quit() and not asked
    window.case.update(sample_id="S-RACE-2")
    assert not window.case_flow.leaving.may_quit() and len(asked) == 1


def test_the_title_marks_the_window_modified_while_quit_would_ask(screened_window, qtbot,
                                                                  tmp_path):
    """The title's modified mark followed reviews only: cells screened, or a slide id typed,
    after the last report asked at Quit with no mark in the title."""
    window, report = screened_window, tmp_path / "report.csv"
    assert window.isWindowModified() and window.batch.counts.reviewed == 0
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report)
    assert not window.isWindowModified()
    window.case.update(sample_id="S-RACE-2")
    assert window.isWindowModified()
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(report, overwrite=True)
    assert not window.isWindowModified()
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "more", 2)[0].parent])
    assert window.isWindowModified()


def test_a_read_only_past_case_on_show_is_not_marked_modified(screened_window, make_window,
                                                               qtbot, data_folder):
    """The mark was set from the batch as the past case came in, before the window knew it
    showed one, and stayed while Quit would ask nothing."""
    second = second_window_showing(screened_window, make_window, qtbot, data_folder)
    assert not second.case_flow.leaving.quit_asks and not second.isWindowModified()
    close_window(second, qtbot)


def test_quit_asks_when_a_patient_id_was_typed_after_the_report(screened_window, qtbot,
                                                                tmp_path, data_folder):
    """A patient id typed after the CSV export counted as no change: Quit asked nothing and
    the case, with the only copy of that patient id, left the register."""
    window = screened_window
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "report.csv")
    assert "P-0042" not in (tmp_path / "report_summary.csv").read_text(encoding="utf-8-sig")
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.patient_id, "P-0042")
    window.case_panel.sample_id.setFocus()  # leave the box: the fact is taken
    qtbot.waitUntil(lambda: window.case.case.facts.patient_id == "P-0042", timeout=WAIT_MS)
    asked = answer(window, "Keep for later")
    quit_window(window, qtbot)
    assert asked, "Quit asked nothing"
    assert stored(data_folder) == {"S-RACE": ("open", 6, 0)}


def test_quit_on_a_read_only_open_past_case_asks_nothing(screened_window, make_window, qtbot,
                                                         data_folder):
    """A window without autosave showing an open past case asked at Quit whether to discard
    its cells from the register, which it can neither keep nor discard."""
    second = second_window_showing(screened_window, make_window, qtbot, data_folder)
    asked = answer(second, "Cancel")
    assert second.case_flow.leaving.may_quit() and not asked


def test_a_thumbnail_asked_for_as_the_window_closes_is_never_decoded(screened_window, qtbot):
    """A paint as the window closed could ask for thumbnails whose decoding then started
    after the thumbnail pools had shut down."""
    thumbnails = screened_window.table_model.thumbnails
    thumbnails.clear()
    loaded = []
    thumbnails.ready.connect(loaded.append)
    assert thumbnails.get(0, screened_window.batch.results[0]) is None  # asked, not started
    thumbnails.shutdown()
    qtbot.wait(300)
    assert thumbnails.active() == 0 and not loaded
