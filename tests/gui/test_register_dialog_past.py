"""A case of the register reopened read-only in the window from the register dialog, and the
window's own work around it: a past case amended becomes the window's work, an open one is
shown read-only to a window without autosave."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import PARASITIZED, Classifier
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.register.work import CaseWork
from malariascope.gui.app import start
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    keep_amending_at_quit,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.test_register_dialog import (  # noqa: F401
    WAIT_MS,
    dialog,
    filed,
    open_past,
    open_register,
    saved_work,
    select,
)
from tests.images import make_cell_folder
from tests.reports import read_rows


def test_a_case_reopens_read_only_in_the_window(
        dialog, qtbot, data_folder, tmp_path, filed):  # noqa: F811
    window = dialog.parent()
    select(dialog, "S-1")
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and window.past_case.shown is not None
    batch = window.batch
    assert len(batch) == 8 and batch.facts.sample_id == "S-1"
    assert batch.final_call(0) == PARASITIZED and batch.decision(0).reviewer == "Bob"
    assert "case S-1 (signed, read-only)" in window.windowTitle()
    assert window.case.signed and window.actions.open_folder.isEnabled()  # opening ends it
    window.table.select_source_row(1)
    assert not window.detail.review_buttons.isEnabled() and not window.controls.isEnabled()
    assert not window.actions.undo.isEnabled() and not window.actions.redo.isEnabled()
    window.review_current(PARASITIZED)
    assert not batch.reviewed(1) and not window.isWindowModified()
    assert "S-1 is signed: amend it" in window.status.currentMessage()
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "s-1.csv")  # a past case can be reported again
    assert [row["final_call"] for row in read_rows(tmp_path / "s-1.csv")][0] == PARASITIZED
    with Register(data_folder) as register:  # nothing of the view was saved as work
        assert len(register.cases()) == 3 and CaseWork(register).load() is None

    screen_and_wait(window, qtbot, [tmp_path / "slide"])  # new images end the view
    assert window.past_case.shown is None and window.controls.isEnabled()
    assert batch.facts.sample_id == "" and batch.facts.model_sha256 == (
        window.controller.classifier.backend.model_sha256)
    window.table.select_source_row(1)
    window.review_current(PARASITIZED)
    assert batch.reviewed(1) and window.actions.undo.isEnabled()
    with Register(data_folder) as register:  # the new batch is the window's work again
        qtbot.waitUntil(lambda: (CaseWork(register).load() or batch).reviewed == 1,
                        timeout=WAIT_MS)


def test_closing_the_register_while_a_case_opens_gives_that_case_up(
        dialog, qtbot):  # noqa: F811
    """Open, then the register closed at once (Esc): the case still took the window's place
    once it had been read."""
    window = dialog.parent()
    select(dialog, "S-1")
    dialog.open_selected()
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.opening.busy, timeout=WAIT_MS)
    assert window.past_case.shown is None and len(window.batch) == 0
    assert dialog.note.text() == ""


def test_an_amended_past_case_is_the_windows_work_and_the_next_case_is_saved_too(
        dialog, qtbot, data_folder, tmp_path):  # noqa: F811
    """Amended in the read-only view, a past case stayed read-only (nothing could be changed
    but its signature) and autosave never saved again: the next case, its cells and reviews
    were lost to a crash."""
    window = open_past(dialog, qtbot, "S-1")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    assert window.past_case.shown is None  # no longer a view: the case is open again
    assert window.controls.isEnabled() and window.actions.mark_parasitized.isEnabled()
    assert "read-only" not in window.windowTitle()
    qtbot.waitUntil(lambda: saved_work(data_folder) == "S-1", timeout=WAIT_MS)
    assert not window.case_flow.new_case(ask=False)  # not while its signature is withdrawn
    wait_for_box(qtbot, window, "Amendment not finished").close()
    assert window.case.case.amending and window.batch.facts.sample_id == "S-1"
    assert window.case_flow.sign("Ann")

    assert window.case_flow.new_case(ask=False)
    window.case.update(sample_id="S-NEXT")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    window.table.select_source_row(0)
    window.review_current("parasitized")
    qtbot.waitUntil(lambda: saved_work(data_folder) == "S-NEXT", timeout=WAIT_MS)
    with Register(data_folder) as register:
        amended = next(case for case in register.cases() if case.facts.sample_id == "S-1")
        assert amended.status == "signed" and amended.amendments == 1


def test_a_new_case_after_a_past_one_has_no_slide_id_and_the_labs_facts(
        dialog, qtbot, data_folder, tmp_path):  # noqa: F811
    """New case after viewing a past case brought back the slide id of the case open before
    the view, and the title of the past case stayed."""
    window = dialog.parent()
    dialog.reject()
    window.case.update(sample_id="S-005", lab="Central Lab")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "before", 2)[0].parent])
    dialog = open_register(window, qtbot)
    select(dialog, "X-3")
    asked: list[str] = []  # the window's own case is not signed: dropped only when agreed
    answer_next_dialog(window, lambda box: asked.append(box.text()) or click(box, "Cancel"))
    dialog.open_selected()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    assert "its 2 cells and 0 reviews leave the window" in asked[0]
    assert window.past_case.shown is None and window.batch.facts.sample_id == "S-005"
    qtbot.waitUntil(lambda: dialog.note.text() == "Case X-3 not opened")  # not "Opening…"
    answer_next_dialog(window, lambda box: click(box, "Discard"))
    open_past(dialog, qtbot, "X-3")
    assert not window.case_panel.lab.isEnabled()  # its facts on show, not editable
    assert window.case_flow.new_case(ask=False)
    assert window.batch.facts.sample_id == "" and window.case.case.facts.sample_id == ""
    assert window.case.case.facts.lab == "Central Lab"  # the window's lab, not the past case's
    assert "X-3" not in window.windowTitle() and "read-only" not in window.windowTitle()


def test_a_case_on_show_read_only_cannot_be_signed(make_window, qtbot, data_folder,
                                                  tmp_path, filed):  # noqa: F811
    """An open case of the register, shown read-only, could be signed there: a signature on
    cells nobody could review, and a title that still said 'not signed'. (A window that
    autosaves takes an open case to finish it: this one, as a second window, does not.)"""
    cells = list(screen(make_cell_folder(tmp_path / "open", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = open_past(open_register(make_window(), qtbot), qtbot, "S-4")
    assert window.case.case.signed is None and len(window.batch) == 3
    assert not window.actions.sign.isEnabled()
    assert "case S-4 (not signed, autosave off, read-only)" in window.windowTitle()


def test_a_review_key_on_an_open_case_shown_read_only_says_why_nothing_changes(
        make_window, qtbot, data_folder, tmp_path, filed):  # noqa: F811
    """P on an open case of the register shown read-only (a window without autosave) did
    nothing and said nothing: the review actions were off, where a signed case's keys say
    why. The buttons stay off; the key now says how the case can be finished."""
    cells = list(screen(make_cell_folder(tmp_path / "open", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = open_past(open_register(make_window(), qtbot), qtbot, "S-4")
    window.table.select_source_row(0)
    assert not window.detail.review_buttons.isEnabled()
    assert not window.cell_window.detail.review_buttons.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_P)
    assert not window.batch.reviewed(0) and not window.isWindowModified()
    assert window.status.currentMessage() == (
        "Case S-4 is shown read-only: only a window that autosaves can finish it")


def test_an_amendment_left_unsigned_is_kept_to_be_finished(make_window, qtbot, data_folder,
                                                           tmp_path, filed):  # noqa: F811
    """Quit while amending, the case, its signature withdrawn, was neither offered back nor
    signable from the register: a dead end."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    dialog = open_register(window, qtbot)  # noqa: F811
    window = open_past(dialog, qtbot, "S-1")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    window.case.update(notes="amended: patient id P-43")
    keep_amending_at_quit(window)
    assert window.close()  # at the end of the day: saved as it is, offered back next start
    assert saved_work(data_folder) == "S-1"
    with Register(data_folder) as register:
        assert CaseWork(register).load().case.facts.notes == "amended: patient id P-43"

    other = make_window()  # the register's own view of it continues it too
    dialog = open_register(other, qtbot)
    other = open_past(dialog, qtbot, "S-1")
    assert other.past_case.shown is None and other.case.case.amending
    assert other.actions.sign.isEnabled()


def test_the_title_follows_the_case_on_show(
        make_window, qtbot, data_folder, tmp_path, filed):  # noqa: F811
    """The title kept what it said when a batch or a case was opened: the last folder on a
    new, empty case, and "case S-4, not signed" after S-4 was signed, while it was amended
    and once it was signed again."""
    cells = list(screen(make_cell_folder(tmp_path / "kept", 3), Classifier.open()))
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-4")), cells=cells)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "mine", 2)[0].parent])
    assert window.windowTitle() == "MalariaScope — mine[*]"
    assert window.case_flow.new_case(ask=False)
    assert window.windowTitle() == "MalariaScope[*]"

    window = open_past(open_register(window, qtbot), qtbot, "S-4")  # open: taken to finish
    assert "case S-4 (not signed)" in window.windowTitle()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann")
    assert "case S-4 (signed)" in window.windowTitle()
    assert amend_case(window, qtbot, "a second reader reviewed the cells", "Ann")
    assert "case S-4 (amending)" in window.windowTitle()
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann")
    assert "case S-4 (signed, amended 1×)" in window.windowTitle()  # as the register says
    assert "not signed" not in window.windowTitle()
