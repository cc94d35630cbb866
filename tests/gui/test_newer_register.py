"""A case register written by a newer MalariaScope: the window opens with autosave off and
says why in a box and in one line, File > Case register… says the same, and the register is never
written, whatever the window does."""

from __future__ import annotations

import pytest

from malariascope.core.classifier import PARASITIZED
from malariascope.core.register import FILE_NAME
from malariascope.gui.app import start
from malariascope.gui.register_dialog import RegisterDialog
from tests.core.test_register_newer import assert_the_line, files_in, newer_register
from tests.gui.helpers import MODEL_TIMEOUT_MS, close_window, screen_and_wait, wait_for_box

WAIT_MS = 60_000


@pytest.mark.parametrize("how", ["quit", "crash"])
def test_a_newer_register_is_told_in_a_box_turns_autosave_off_and_is_never_written(
        make_window, qtbot, data_folder, cell_folder, how):
    """The window moved a newer version's register aside and began a new, empty one: after
    a downgrade and an upgrade, the cases the newer version recorded were in a file nothing
    opened. Its line was then said only in the status bar, at once replaced by the model's."""
    newer = newer_register(data_folder, how)
    before = files_in(data_folder)
    window = make_window(start=False)
    said: list[str] = []
    window.autosave.off.connect(said.append)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: bool(said) or window.autosave.register is not None,
                    timeout=WAIT_MS)  # autosave is off, or on
    assert window.autosave.register is None and len(said) == 1
    line = said[0]
    assert_the_line(line, data_folder / FILE_NAME, newer)
    mark = window.status.autosave_label
    assert mark.isVisible() and f"Autosave is off: {line}." in mark.toolTip()
    told = wait_for_box(qtbot, window, "Case register of a newer version")
    assert told.text().startswith(f"{line[:1].upper()}{line[1:]}.")
    assert "cases are not recorded in the register" in told.text()
    told.close()

    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.table.select_source_row(5)
    window.review_current(PARASITIZED)
    assert len(window.batch.history) == 1 and len(window.batch) > 12
    window.actions.cases.trigger()  # File > Case register…
    box = wait_for_box(qtbot, window, "Case register not available")
    assert box.text() == f"{line[:1].upper()}{line[1:]}."
    assert window.findChild(RegisterDialog).isHidden()  # no list of another register
    box.close()
    close_window(window, qtbot)
    assert files_in(data_folder) == before


def test_a_window_closed_while_a_newer_register_is_read_closes_quietly(make_window, qtbot,
                                                                       data_folder):
    """The answer that the register cannot be opened, arriving after the window closed,
    raised AttributeError in the window's autosave (its lock already given back)."""
    newer_register(data_folder, "quit")
    window = make_window(start=False)
    said: list[str] = []
    window.autosave.off.connect(said.append)
    window.autosave.resume()  # the register is read in a worker; its answer is queued
    window.close()  # before the event loop runs again
    # the worker's queued answer is delivered before its end is, and must find nothing to do
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert said == [] and window.autosave.register is None


def test_a_window_closed_while_its_register_dialog_opens_a_newer_register_says_nothing(
        make_window, qtbot, data_folder):
    """File > Case register… with autosave off opens a register for the dialog in a worker:
    the window closed before it answered, its answer that the register cannot be opened
    (written by a newer version) still showed "Case register not available" over nothing."""
    from PySide6.QtWidgets import QMessageBox

    newer_register(data_folder, "quit")
    window = make_window()  # autosave not resumed: as in a second window
    window.actions.cases.trigger()  # the register is opened in a worker; its answer queued
    window.close()  # before the event loop runs again
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    dialog = window.findChild(RegisterDialog)
    assert not dialog.opening_register and dialog.isHidden()
    assert [box.windowTitle() for box in window.findChildren(QMessageBox)] == []
