"""The question asked before a case being screened leaves the window counts the cells it
would give up as they are when it is answered, not as they were when it opened."""

from __future__ import annotations

from tests.gui.helpers import answer_next_dialog, click
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import stored
from tests.gui.test_quit_during_screening import gated, held  # noqa: F401


def test_new_case_question_follows_the_cells_screened_while_it_is_open(
        held, qtbot, data_folder):  # noqa: F811
    """New case during a screening said "64 cells so far" while the screening went on behind
    the question: answered after the screening ended, Keep for later kept 140 cells."""
    window, gate = held
    texts: list[str] = []

    def reply(box) -> None:
        texts.append(box.text())
        with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS):
            gate.open()
        texts.append(box.text())
        click(box, "Keep for later")

    answer_next_dialog(window, reply)
    assert window.case_flow.new_case()
    assert "is still being screened (64 cells so far)" in texts[0]
    assert "being screened" not in texts[1] and "64" not in texts[1]
    assert texts[1].endswith("discarded, its 140 cells and 0 reviews leave the window and the "
                             "register.")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-HELD": ("open", 140, 0)}
