"""The window's title names the case on show as a technician looks for it: by its slide id
once it has one, else by the folders its cells were opened from, however it was opened."""

from __future__ import annotations

import shutil

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.gui.case_dialogs import KEEP_FOR_LATER
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    amend_case,
    answer_next_dialog,
    click,
    keep_amending_at_quit,
    restore_at_start,
    screen_and_wait,
    started_window,
)
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_cancel_keeps_cells import CancelAfterFirstBatch
from tests.gui.test_register_dialog import open_past, open_register
from tests.gui.test_withdraw_amendment import signed_and_amended
from tests.images import make_cell_folder


def test_a_case_is_named_by_its_slide_id_whether_begun_here_or_opened_from_the_register(
        make_window, qtbot, data_folder, tmp_path):
    """A case begun in the window was named by its folders after its slide id was typed
    ("MalariaScope — mine"), one opened from the register by its slide id and its folders
    ("case S-4, not signed: kept"), and one of no slide id by its time of opening."""
    classifier = Classifier.open()
    with Register(data_folder) as register:
        for slide_id, folder in (("S-4", "kept"), ("", "nameless")):
            cells = list(screen(make_cell_folder(tmp_path / folder, 2), classifier))
            register.save(Case(CaseFacts(sample_id=slide_id, patient_id="P-1"),
                               sources=(folder,)), cells=cells)
    window = started_window(make_window, qtbot)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "mine", 2)[0].parent])
    assert window.windowTitle() == "MalariaScope — mine[*]"
    qtbot.keyClicks(window.case_panel.sample_id, "S-7")
    assert window.windowTitle() == "MalariaScope — case S-7[*]"
    window.case_panel.sample_id.clear()
    qtbot.keyClicks(window.case_panel.sample_id, " ")  # a blank slide id names nothing
    assert window.windowTitle() == "MalariaScope — mine[*]"
    qtbot.keyClicks(window.case_panel.sample_id, "S-7")

    keep = KEEP_FOR_LATER.replace("&", "")
    answer_next_dialog(window, lambda box: click(box, keep))
    window = open_past(open_register(window, qtbot), qtbot, "S-4")
    assert window.windowTitle() == "MalariaScope — case S-4 (not signed)[*]"
    answer_next_dialog(window, lambda box: click(box, keep))
    window = open_past(open_register(window, qtbot), qtbot, "")
    assert window.windowTitle() == "MalariaScope — nameless (not signed)[*]"


def test_a_restored_amendment_signed_again_is_titled_signed_not_restored(
        screened_window, make_window, qtbot):
    """Signed again, the amendment restored after the window was closed kept "(signed,
    restored)" in the title, and amended once more "(amending, restored)": the signature
    made it the register's record, no longer work brought back."""
    window = screened_window
    signed_and_amended(window, qtbot)
    keep_amending_at_quit(window)
    window.close()  # the amendment is kept, offered back at the next start
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    again = restore_at_start(make_window, qtbot)
    assert again.windowTitle() == "MalariaScope — case S-RACE (amending, restored)[*]"
    with qtbot.waitSignal(again.case_flow.saved, timeout=WAIT_MS):
        assert again.case_flow.sign("Bob Ray")
    assert again.windowTitle() == "MalariaScope — case S-RACE (signed, amended 1×)[*]"
    qtbot.waitUntil(lambda: writes_done(again), timeout=WAIT_MS)
    assert amend_case(again, qtbot, "a cell misread", "Bob Ray")
    assert again.windowTitle() == "MalariaScope — case S-RACE (amending)[*]"


def test_a_folder_that_added_nothing_is_not_named_in_the_title(window, qtbot, tmp_path):
    """An empty folder opened named the case "MalariaScope — empty", and it stayed named
    after a folder of cells ("empty, cells"), though the case held nothing of it."""
    empty, text_only = tmp_path / "empty", tmp_path / "notes"
    empty.mkdir()
    text_only.mkdir()
    (text_only / "readme.txt").write_text("no image here", encoding="utf-8")
    screen_and_wait(window, qtbot, [empty])
    assert window.windowTitle() == "MalariaScope[*]"
    cells = make_cell_folder(tmp_path / "cells", 2)[0].parent
    screen_and_wait(window, qtbot, [cells])
    screen_and_wait(window, qtbot, [text_only])
    assert window.batch.facts.sources == ("empty", "cells", "notes")  # as opened, recorded
    assert window.windowTitle() == "MalariaScope — cells[*]"


def test_a_case_cut_short_is_titled_partial_when_reopened_from_the_register(
        window, qtbot, monkeypatch, cell_test_dir, tmp_path):
    """A case whose screening was cancelled was "(signed, partial)" in the title, and
    "signed, partial" in the register, but "(signed, read-only)" once reopened from it: the
    title of the case on show no longer said it counts only some of the slide's images."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in sorted(cell_test_dir.glob("*/*.png"))[:70]:  # more than one model batch
        shutil.copy(path, folder / path.name)
    model = CancelAfterFirstBatch(window.controller.classifier)
    monkeypatch.setattr(window.controller.classifier, "predict", model)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.open_paths([folder])
        qtbot.waitUntil(model.first_called.is_set, timeout=SCREEN_TIMEOUT_MS)
        window.actions.cancel.trigger()
        model.cancelled.set()
    qtbot.keyClicks(window.case_panel.sample_id, "S-CUT")
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann Lee")
    assert window.windowTitle() == "MalariaScope — case S-CUT (signed, partial)[*]"
    assert window.case_flow.new_case(ask=False)
    assert window.windowTitle() == "MalariaScope[*]"
    open_past(open_register(window, qtbot), qtbot, "S-CUT")
    assert window.windowTitle() == "MalariaScope — case S-CUT (signed, read-only, partial)[*]"
    assert window.case_flow.new_case(ask=False)
    assert window.windowTitle() == "MalariaScope[*]"
