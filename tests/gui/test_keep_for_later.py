"""An open case kept in the register for later: New case, opening a past case and Quit offer
to keep it while autosave keeps the window's work."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from malariascope.core.register import Register
from malariascope.core.tally import PARASITIZED
from malariascope.gui.app import start
from tests.gui.helpers import answer_next_dialog
from tests.gui.saving_faults import WAIT_MS, writes_done

KEEP_BUTTONS = ("Keep for later", ["Cancel", "Discard", "Export…", "Keep for later"])


def answer(window, text: str) -> list[tuple[str, tuple[str, list[str]]]]:
    """Answer the next question of ``window`` with its button ``text`` (Cancel when it has
    none); returns the questions asked, as their text, default button and buttons."""
    asked: list[tuple[str, tuple[str, list[str]]]] = []

    def reply(box: QMessageBox) -> None:
        buttons = {button.text().replace("&", ""): button for button in box.buttons()}
        default = box.defaultButton().text().replace("&", "")
        asked.append((box.text(), (default, sorted(buttons))))
        (buttons.get(text) or buttons["Cancel"]).click()

    answer_next_dialog(window, reply)
    return asked


def stored(data_folder) -> dict[str, tuple[str, int, int]]:
    """By slide id: the status, cells and review decisions of each case in the register."""
    with Register(data_folder) as register:
        return {case.facts.sample_id: (case.status, case.cells,
                                       len(register.load(case.uid).reviews))
                for case in register.cases()}


def no_work_left(data_folder) -> bool:
    with Register(data_folder) as register:
        return register.work() is None


def review(window, row: int) -> None:
    window.table.select_source_row(row)
    window.review_current(PARASITIZED)


def test_new_case_keeps_the_open_case_in_the_register_open(screened_window, qtbot,
                                                            data_folder):
    """New case over an open case offered Export…, Discard or Cancel only: the case, its
    cells and reviews, left the window and the register."""
    window = screened_window
    review(window, 0)
    asked = answer(window, "Keep for later")
    assert window.case_flow.new_case()
    assert asked[0][1] == KEEP_BUTTONS and asked[0][0].startswith(
        "Start a new case? The open case is not signed. Keep for later leaves it in the case "
        "register, open")
    assert len(window.batch) == 0
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 1)}
    assert no_work_left(data_folder)  # not offered at the next start: it is in the register


def test_quit_keeps_an_open_case_for_later_and_the_next_start_offers_nothing(
        screened_window, make_window, qtbot, data_folder):
    window = screened_window
    review(window, 0)
    asked = answer(window, "Keep for later")
    window.close()
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=WAIT_MS)
    assert not window.isVisible() and asked[0][1] == KEEP_BUTTONS
    assert asked[0][0].startswith("Quit? The open case is not signed. Keep for later")
    assert stored(data_folder) == {"S-RACE": ("open", 6, 1)} and no_work_left(data_folder)
    again = make_window(start=False)
    start(again)
    qtbot.waitUntil(lambda: again.autosave.register is not None, timeout=WAIT_MS)
    assert not [box for box in again.findChildren(QMessageBox) if box.isVisible()]
