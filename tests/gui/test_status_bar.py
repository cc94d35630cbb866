"""The status bar of the real window at its opening size (1280 wide): a message is read whole
beside the lasting marks, and the unlike mark belongs to the cells on show."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from malariascope.core.adapt.unlike import unlike_cells
from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.gui.app import start
from malariascope.gui.case_dialogs import SignDialog
from malariascope.gui.message_label import MAX_LINES
from malariascope.printing.content import CaseReport, report_html
from tests.conftest import SHARED_DATA
from tests.core.test_register import counts_of
from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    answer_next_dialog,
    click,
    close_window,
    screen_and_wait,
    wait_for_box,
)
from tests.gui.test_register_dialog import AT, WAIT_MS, open_register, select
from tests.images import make_cell, write_rgb
from tests.reports import read_pdf

FIELDS = SHARED_DATA / "fields"
UNLIKE_FIELDS = ("PA171702.JPG", "PA171703.JPG", "PA171705.JPG", "PA171706.JPG")

needs_fields = pytest.mark.skipif(not FIELDS.is_dir(),
                                  reason=f"shared fields not found at {FIELDS}")


def _fields(folder, names):
    folder.mkdir()
    for name in names:
        shutil.copy(FIELDS / name, folder / name)
    return folder


@needs_fields
def test_a_cancel_message_is_not_cut_off_by_the_partial_and_unlike_marks(window, qtbot,
                                                                          tmp_path):
    window.open_paths([_fields(tmp_path / "fields", UNLIKE_FIELDS)])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=120_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000) as blocker:
        window.status.task_status.cancel_button.click()
    assert not blocker.args[1]
    status = window.status
    assert window.width() == 1280
    assert status.partial_label.isVisible() and status.unlike_label.isVisible()
    text = status.currentMessage()
    assert text.startswith("Screening cancelled after") and text.endswith("holds only these")
    marks = [mark for mark in (status.partial_label, status.task_status, status.unlike_label,
                               status.model_label) if mark.isVisible()]
    qtbot.waitUntil(lambda: all(mark.width() >= mark.sizeHint().width() for mark in marks))
    room = min(mark.x() for mark in marks)  # the message has the bar left of the marks
    assert status.fontMetrics().horizontalAdvance(text) < room
    label = status.message_label
    assert label.fontMetrics().horizontalAdvance(text) <= label.contentsRect().width()
    assert "not screened" in status.partial_label.toolTip()  # the figures the marks leave out
    assert "adapt" in status.unlike_label.toolTip()


@needs_fields
def test_a_past_case_shows_its_own_unlike_figure_not_the_last_batchs(make_window, qtbot,
                                                                     tmp_path, data_folder):
    """A case opened from the register kept the unlike figure of the batch screened before."""
    classifier = Classifier.open()
    cells = list(screen([FIELDS / "PA171706.JPG"], classifier))
    case = Case(CaseFacts(sample_id="S-PAST"), model=classifier.model_name,
                model_sha256=classifier.backend.model_sha256, rule=classifier.rule)
    counts = counts_of(cells, classifier)
    with Register(data_folder) as register:
        register.save(case, case.result(counts), cells=cells)
        case.sign("Ann", counts, at=AT)
        register.save(case)
    own = unlike_cells(cells, classifier.rule, classifier.card).shift
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    screen_and_wait(window, qtbot, [_fields(tmp_path / "today", UNLIKE_FIELDS[:1])])
    label = window.status.unlike_label
    assert label.isVisible() and f" {abs(own):.1f} times" not in label.toolTip()
    dialog = open_register(window, qtbot)
    select(dialog, "S-PAST")
    answer_next_dialog(window, lambda box: click(box, "Discard"))  # today's case: not signed
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert window.past_case.shown is not None
    assert label.isVisible() and f" {abs(own):.1f} times" in label.toolTip()


def test_one_of_a_kind_is_counted_in_the_singular(window, qtbot, tmp_path):
    """Messages said "1 cells" and "1 non-image files skipped"."""
    folder = tmp_path / "one"
    folder.mkdir()
    write_rgb(folder / "cell.png", make_cell(seed=3))
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    screen_and_wait(window, qtbot, [folder])
    assert window.status.currentMessage().startswith("Screened 1 cell in ")
    assert window.status.currentMessage().endswith(" (1 non-image file skipped)")
    screen_and_wait(window, qtbot, [folder])
    text = window.status.currentMessage()
    assert text.startswith("Screened 0 cells in ") and text.endswith(
        "(1 non-image file skipped, 1 file already in the case left out); the case holds 1 cell")
    (tmp_path / "empty").mkdir()  # an empty folder: nothing screened, nothing to time
    screen_and_wait(window, qtbot, [tmp_path / "empty"])
    assert window.status.currentMessage() == (
        "No image files found in what was opened; the case holds 1 cell")


@needs_fields
def test_a_smear_unlike_the_models_cells_is_a_limit_of_its_result_signature_and_pdf(
        window, qtbot, tmp_path, real_cells):
    """The unlike warning was shown in the status bar only: the case's limits, the signature
    and the printed report said nothing of it."""
    words = ("The cells look unlike those the model learned from (its healthy cells score "
             "2.")
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "S-UNLIKE")
    screen_and_wait(window, qtbot, [_fields(tmp_path / "fields", UNLIKE_FIELDS[:1])])
    assert window.status.unlike_label.isVisible()
    assert words in window.case_panel.result.text()
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    assert any(words in label.text() for label in dialog.findChildren(QLabel))
    dialog.reject()
    path = tmp_path / "S-UNLIKE.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    limits = text[text.index("Limits of this result"):]
    assert limits.index(words) < limits.index("A screening aid, not a diagnosis")

    assert window.case_flow.new_case(ask=False)  # NIH cells, like the model's: no such limit
    screen_and_wait(window, qtbot, real_cells["parasitized"][:6] + real_cells["uninfected"][:6])
    assert "look unlike" not in window.case_panel.result.text()


UNLIKE = "The cells look unlike those the model learned from"


def _nih_cells(real_cells) -> list:
    return real_cells["parasitized"][:12] + real_cells["uninfected"][:12]


def test_a_pdf_right_after_a_threshold_move_has_the_unlike_limit_of_that_threshold(
        window, qtbot, tmp_path, real_cells):
    """The measure followed a threshold move 200 ms later, and a PDF ordered meanwhile had
    the old threshold's limits. At 0.01, 8 of these 24 NIH cells are uncertain (33 %)."""
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "S-T")
    screen_and_wait(window, qtbot, _nih_cells(real_cells))
    assert UNLIKE not in window.case_panel.result.text()
    window.controls.threshold.spin.setValue(0.01)
    batch = window.batch
    assert unlike_cells(batch.results, batch.facts.rule, window.controller.classifier.card).warn
    path = tmp_path / "s-t.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    assert UNLIKE in read_pdf(path)[1] and UNLIKE in window.case_panel.result.text()


def test_the_sign_dialog_right_after_a_threshold_move_names_no_stale_unlike_limit(
        window, qtbot, real_cells):
    """Back at the model's threshold the cells look like the model's, yet the Sign dialog
    opened within 200 ms gave the limit measured at 0.01."""
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, "S-T")
    screen_and_wait(window, qtbot, _nih_cells(real_cells))
    window.controls.threshold.spin.setValue(0.01)
    qtbot.waitUntil(lambda: UNLIKE in window.case_panel.result.text())
    window.controls.reset.click()  # Model default
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    shown = [label.text() for label in dialog.findChildren(QLabel)]
    dialog.reject()
    assert not any(UNLIKE in text for text in shown)


@needs_fields
def test_a_case_restored_before_the_model_loads_waits_for_it_to_sign_or_print(
        make_window, qtbot, data_folder, tmp_path):
    """Restored before the model was ready, a second lab's field printed and signed without
    the limit the case tab showed a moment later: the measure needs the model's card."""
    from malariascope.core.facts import BatchFacts
    from malariascope.core.register.work import CaseWork
    from malariascope.core.session import Session

    classifier = Classifier.open()
    results = list(screen([FIELDS / "PA171702.JPG"], classifier))
    with Register(data_folder) as register:
        CaseWork(register).save(Session(results, BatchFacts.of(classifier, sample_id="S-UN"),
                                        [], unsaved=True))
    window = make_window(start=False)
    window.autosave.resume()
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    assert window.batch.facts.sample_id == "S-UN" and window.controller.model_loading
    actions = (window.actions.sign, window.actions.export_pdf, window.actions.print_report)
    assert [action.isEnabled() for action in actions] == [False, False, False]
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        window.start()
    assert [action.isEnabled() for action in actions] == [True, True, True]
    path = tmp_path / "s-un.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    assert UNLIKE in read_pdf(path)[1] and UNLIKE in window.case_panel.result.text()


def screened_unlike(make_window, qtbot, tmp_path, sample_id: str):
    """A window saving to the register, with case ``sample_id`` of another lab's field
    screened: its cells look unlike the model's."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    window.central.show_case()
    qtbot.keyClicks(window.case_panel.sample_id, sample_id)
    screen_and_wait(window, qtbot, [_fields(tmp_path / "fields", UNLIKE_FIELDS[:1])])
    return window


@needs_fields
def test_a_signed_case_keeps_its_unlike_limit_in_the_register_for_its_reprints(
        make_window, qtbot, data_folder, tmp_path):
    """The limit was measured again at each print from the model loaded: a signed case
    reprinted with another model, or none, lost the limit its signer saw."""
    window = screened_unlike(make_window, qtbot, tmp_path, "S-KEPT")
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    dialog.name.setText("Ann")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        dialog.ok.click()
    close_window(window, qtbot)
    with Register(data_folder) as register:
        stored = register.load(register.cases()[0].uid)
    signed = stored.case.signed.result
    assert signed.unlike.startswith(UNLIKE) and signed.limits()[0] == signed.unlike
    reprint = report_html(CaseReport(stored.case, signed))  # whatever model is loaded then
    assert UNLIKE in reprint


def test_a_status_message_of_many_lines_is_held_to_its_room(window, qtbot):
    """A message holding line breaks (an exception's words) was shown line for line, past
    the lines the status bar gives it."""
    window.status.showMessage("\n".join(f"line {number} of the reason" for number in range(8)))
    assert len(window.status.message_label.text().splitlines()) <= MAX_LINES
    assert window.status.currentMessage().count("\n") == 7  # whole in the tooltip


@needs_fields
def test_the_unlike_mark_says_in_plain_words_what_is_wrong_and_what_to_do(window, qtbot,
                                                                           tmp_path):
    """The mark read "Unlike the model's cells (+2.6 MAD)": shorthand a technician does not
    read, saying neither what was measured nor what to do."""
    screen_and_wait(window, qtbot, [_fields(tmp_path / "fields", UNLIKE_FIELDS[:1])])
    label, unlike = window.status.unlike_label, window.controller.unlike.current()
    assert label.isVisible() and unlike.shift is not None and unlike.shift > 2
    assert label.text() == "⚠ Cells unlike the model's: check stain or adapt"
    tip = label.toolTip()
    assert "MAD" not in label.text() + tip
    assert tip.startswith(f"<p>This batch's healthy cells score {unlike.shift:.1f} times the "
                          "spread of the model's own healthy cells above them")
    assert "Model > Adapt to this lab…" in tip and "stain" in tip


def test_a_note_said_while_screening_stays_as_the_screening_goes_on(window, qtbot, big_folder):
    """Each step of a screening put its progress, which the bar shows, in the message too,
    wiping within a second a note said meanwhile (a case waiting to open, a file refused)."""
    note = "Case S-1 opens once the window's work is saved to the case register"
    with qtbot.waitSignal(window.controller.progress, timeout=MODEL_TIMEOUT_MS):
        window.open_paths([big_folder])
    window.status.note(note)
    for _ in range(2):
        with qtbot.waitSignal(window.controller.progress, timeout=WAIT_MS):
            pass
    assert window.status.currentMessage() == note
    assert window.status.task_status.progress.format().startswith("Screening ")
    window.controller.cancel()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
