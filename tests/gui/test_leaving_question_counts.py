"""The questions asked before a case being screened leaves the window count its cells as
they are when answered, not as they were when the question opened."""

from __future__ import annotations

from malariascope.core.register import Register
from tests.gui.helpers import answer_next_dialog, click
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import stored
from tests.gui.test_quit_during_screening import gated, held, taken  # noqa: F401


def keep_after_the_screening_ends(window, gate, qtbot) -> list[str]:
    """Answer the next question of ``window`` Keep for later once the screening held by
    ``gate`` has ended while it was open; its text before and after, once answered."""
    texts: list[str] = []

    def reply(box) -> None:
        texts.append(box.text())
        with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS):
            gate.open()
        texts.append(box.text())
        click(box, "Keep for later")

    answer_next_dialog(window, reply)
    return texts


def test_new_case_question_follows_the_cells_screened_while_it_is_open(
        held, qtbot, data_folder):  # noqa: F811
    """New case during a screening said "64 cells so far" while the screening went on behind
    the question: answered after the screening ended, Keep for later kept 140 cells."""
    window, gate = held
    texts = keep_after_the_screening_ends(window, gate, qtbot)
    assert window.case_flow.new_case()
    assert "is still being screened (64 cells so far)" in texts[0]
    assert "being screened" not in texts[1] and "64" not in texts[1]
    assert texts[1].endswith("discarded, its 140 cells and 0 reviews leave the window and the "
                             "register.")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-HELD": ("open", 140, 0)}


def test_quit_question_on_a_taken_case_follows_the_screening_while_it_is_open(
        taken, qtbot, data_folder):  # noqa: F811
    """Quit during the screening of a case taken from the register said "with the 68 cells
    screened so far, marked partial" while the screening went on to its end behind the
    question: Keep for later then left the case whole, with 146 cells."""
    window, gate = taken
    texts = keep_after_the_screening_ends(window, gate, qtbot)
    window.close()
    assert not window.isVisible()
    assert "with the 68 cells screened so far, marked partial" in texts[0]
    assert texts[1] == ("Quit? The screening of case S-RACE has ended: the case stays in the "
                        "case register, open, with its 146 cells.")
    with Register(data_folder) as register:
        (case,) = register.cases()
    assert (case.status_words(), case.rows) == ("open", 148)  # rows: errors too
