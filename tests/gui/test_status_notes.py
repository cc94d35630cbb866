"""Notes of the status bar that no longer hold leave it: the hint of a new case once another
case is on show, the note on cells the filter hides once the next review is made."""

from __future__ import annotations

from PySide6.QtCore import Qt

from malariascope.gui.case_flow import NEW_CASE_HINT
from malariascope.gui.results_proxy import Filter
from tests.gui.helpers import screen_and_wait
from tests.gui.test_register_dialog import dialog, filed, open_past  # noqa: F401
from tests.images import make_cell_folder

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_new_case_hint_leaves_once_a_case_is_opened_from_the_register(
        dialog, qtbot):  # noqa: F811
    """'New case: type its slide id…' stayed under a signed case opened from the register."""
    window = dialog.parent()
    assert window.case_flow.new_case(ask=False)
    assert window.status.currentMessage() == NEW_CASE_HINT
    open_past(dialog, qtbot, "X-3")
    assert window.past_case.shown is not None
    assert window.status.currentMessage() != NEW_CASE_HINT


def test_the_note_on_an_undo_the_filter_hides_leaves_at_the_next_review(window, qtbot,
                                                                        tmp_path):
    """'Undone on a cell the filter hides: …' stayed after later reviews of other cells."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "slide", 6)[0].parent])
    batch, table = window.batch, window.table
    other = "uninfected" if batch.call(0) == "parasitized" else "parasitized"
    table.select_source_row(0)
    window.review_current(other)
    window.set_filter(Filter(other.capitalize()))  # undone, the cell is no longer listed
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_Z, CTRL)
    assert window.status.currentMessage().startswith("Undone on a cell the filter hides")
    window.set_filter(Filter.ALL)
    table.select_source_row(1)
    window.review_current(other)
    assert batch.decision(1) is not None
    assert window.status.currentMessage() == ""
