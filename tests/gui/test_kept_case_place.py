"""A case kept for later and opened again from the register comes back where the technician
stopped, as work restored after a crash does."""

from __future__ import annotations

from malariascope.gui import dialogs
from tests.gui.test_keep_for_later import questions, review  # noqa: F401 (a fixture)
from tests.gui.test_register_dialog import open_past, open_register


def test_a_kept_case_opened_again_puts_the_cursor_after_the_cell_reviewed_last(
        screened_window, qtbot, questions):  # noqa: F811
    """Reopened from the register, a case kept for later after three cells were reviewed
    showed its first cell: the technician had to find their place among the cells (2,000 on
    a slide) before going on."""
    window = screened_window
    for row in (0, 1, 2):
        review(window, row)
    after = window.table.current_source_row()  # the review moved on to the next cell
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert window.past_case.shown is None and window.batch.reviewed(2)
    assert window.table.current_source_row() == after == 3
