"""A question about the window's case leaving it (New case, opening a past case, Quit) is
never answered by a key meant for what came before it: Enter or Return on it changes
nothing, so a case being screened goes on being screened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from malariascope.core.register import Register
from tests.gui.helpers import answer_next_dialog
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_quit_during_screening import gated, held, taken  # noqa: F401
from tests.gui.test_register_dialog import filed, open_register, select  # noqa: F401

SCREENED = "is not signed and is still being screened (64 cells so far)"


def press_on_next_question(window, qtbot, key: Qt.Key = Qt.Key.Key_Return) -> list[str]:
    """Press ``key`` in the next question ``window`` asks as soon as it shows, where the
    keys are in it (as a second Return pressed just after the first does); the questions'
    texts."""
    asked: list[str] = []

    def press(box) -> None:
        asked.append(box.text())
        qtbot.keyClick(box.focusWidget() or box, key)

    answer_next_dialog(window, press)
    return asked


def still_its_work(window, qtbot, data_folder) -> bool:
    """True when the register holds the window's case as the work in progress once every
    save asked for is written: autosaved, not kept for later (which ends it as work)."""
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        work = register.work()
    return work is not None and work[0] == window.batch.case.uid


def screens_on(window, gate, qtbot, cells: int = 140) -> None:
    """The screening held by ``gate`` goes on to the end once it is let go."""
    assert window.isVisible() and window.controller.screening and gate.holding
    with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS) as blocker:
        gate.open()
    assert blocker.args == [cells, True]


def test_return_twice_in_the_register_leaves_the_case_being_screened_where_it_is(
        filed, held, qtbot, data_folder):  # noqa: F811
    """Return pressed twice in the register, a fifth of a second apart: the first opened a
    case, the second answered the question about the window's own case with its default,
    Keep for later, before it could be read; the screening was cut short and the case set
    aside in the register."""
    window, gate = held
    dialog = open_register(window, qtbot)
    select(dialog, "X-3")
    dialog.table.setFocus()
    asked = press_on_next_question(window, qtbot)
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # opens as it comes up
    assert len(asked) == 1 and asked[0].startswith(f"Open a past case? The open case S-HELD "
                                                   f"{SCREENED}")
    assert dialog.isVisible() and dialog.note.text() == "Case X-3 not opened"
    assert window.past_case.shown is None and window.batch.facts.sample_id == "S-HELD"
    assert still_its_work(window, qtbot, data_folder)  # not kept for later
    screens_on(window, gate, qtbot)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space],
                         ids=["Return", "Enter", "Space"])
@pytest.mark.parametrize("doing", ["Start a new case", "Quit"])
def test_a_key_on_the_question_of_a_case_being_screened_changes_nothing(
        held, qtbot, data_folder, doing, key):  # noqa: F811
    """Enter on New case's or Quit's question kept the case for later, cutting its
    screening short."""
    window, gate = held
    asked = press_on_next_question(window, qtbot, key)
    if doing == "Quit":
        window.close()
    else:
        window.actions.new_case.trigger()
    assert len(asked) == 1 and asked[0].startswith(f"{doing}? The open case S-HELD {SCREENED}")
    assert len(window.batch) == 64 and still_its_work(window, qtbot, data_folder)
    screens_on(window, gate, qtbot)


def test_return_on_quits_question_of_a_case_taken_from_the_register_keeps_it_screening(
        taken, qtbot):  # noqa: F811
    """Quit's question about a case taken back from the register and being screened had Keep
    for later as its default: one Return closed the window, its screening cut short."""
    window, gate = taken
    asked = press_on_next_question(window, qtbot)
    window.close()
    assert len(asked) == 1 and asked[0].startswith("Quit? Case S-RACE is still being screened")
    screens_on(window, gate, qtbot, cells=6 + 2 + 140)
