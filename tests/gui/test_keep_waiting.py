"""A case kept for later while a folder waits its turn keeps that folder among the sources and
the inputs it was opened from: the case reopened from the register names it, and screens it."""

from __future__ import annotations

from pathlib import Path

from malariascope.core.register import Register
from malariascope.core.register.batches import session_of
from tests.gui.helpers import started_window
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_keep_for_later import answer
from tests.gui.test_register_dialog import open_past, open_register
from tests.images import make_cell_folder


def kept_while_waiting(make_window, qtbot, tmp_path) -> tuple[object, Path, Path]:
    """A window that kept its case for later (New case) while "first" (300 cells) was being
    screened and "second" (3) waited its turn; the window and both folders."""
    window = started_window(make_window, qtbot)
    first, second = (make_cell_folder(tmp_path / name, cells)[0].parent
                     for name, cells in (("first", 300), ("second", 3)))
    assert window.open_paths([first]) and window.open_paths([second])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=WAIT_MS)
    assert window.controller.waiting  # the second folder waits its turn
    asked = answer(window, "Keep for later")
    assert window.case_flow.new_case()
    assert asked  # and kept
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.autosave.writes.idle, timeout=WAIT_MS)
    return window, first, second


def test_a_case_kept_while_a_folder_waits_names_that_folder_when_reopened(
        make_window, qtbot, tmp_path, data_folder):
    """Kept for later while its second folder waited, a case came back from the register
    saying "Partial batch" opened from "first" alone: the folder never screened was lost."""
    window, _, _ = kept_while_waiting(make_window, qtbot, tmp_path)
    with Register(data_folder) as register:
        (case,) = register.cases()
        kept = session_of(register.load(case.uid))
    assert kept.case.sources == ("first", "second") and not kept.complete

    window = open_past(open_register(window, qtbot), qtbot, "")  # a case of no slide id
    assert window.batch.facts.sources == ("first", "second")
    assert not window.controller.complete and window.status.partial_label.isVisible()
    assert window.windowTitle() == "MalariaScope — first, second (not signed, partial)[*]"


def test_a_case_kept_while_a_folder_waits_screens_that_folder_once_reopened(
        make_window, qtbot, tmp_path):
    """The register kept a kept case's sources, not its inputs: reopened, the case could not
    screen the folder that had waited its turn (opening it again left the case partial for
    good), and its "Partial batch" did not name it."""
    window, first, second = kept_while_waiting(make_window, qtbot, tmp_path)
    window = open_past(open_register(window, qtbot), qtbot, "")
    assert window.controller.extent.rest == (str(first), str(second))
    assert "(in first, second)" in window.status.partial_label.toolTip()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS) as done:
        assert window.open_paths([first, second])  # as the Quit question tells
    assert done.args == [303, True]
    assert sorted(result.path.parent.name for result in window.batch.results) == [
        *["first"] * 300, *["second"] * 3]
    assert not window.status.partial_label.isVisible()
