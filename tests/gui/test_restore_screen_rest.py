"""Restore and screen the rest, answered to the question at start, screens the rest as the
Case tab's Screen the rest does: once a look in a worker finds the case's folders there,
and, when they are gone, saying so the same way, nothing screened."""

from __future__ import annotations

import shutil

from malariascope.gui.app import start
from malariascope.gui.case_rest import gone_words
from tests.gui.conftest import SCREENED
from tests.gui.helpers import MODEL_TIMEOUT_MS, SCREEN_TIMEOUT_MS, wait_for_box
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_screen_rest import FILES
from tests.gui.test_screen_rest_gone import stays_partial

ANSWER = "Restore and &screen the rest"


def asked_to_restore(make_window, qtbot):
    """A window started on the data folder, and its question offering the work back."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    return window, wait_for_box(qtbot, window, "Restore unsaved work?")


def answer(box) -> None:
    """Answer Restore and screen the rest."""
    next(button for button in box.buttons() if button.text() == ANSWER).click()


def test_restore_and_screen_the_rest_of_a_folder_moved_says_it_is_gone_as_the_case_tab_does(
        make_window, qtbot, cut_short, tmp_path):
    """The answer screened the rest at once, with no look for the case's folder: a folder
    moved away was searched as if there, where Screen the rest says it is not there."""
    folder, _ = cut_short
    shutil.move(folder, tmp_path / "moved")
    window, box = asked_to_restore(make_window, qtbot)
    answer(box)
    gone = gone_words([str(folder)])
    qtbot.waitUntil(lambda: window.status.currentMessage() == gone, timeout=WAIT_MS)
    assert not window.controller.screening and len(window.batch) == SCREENED
    assert not window.actions.screen_rest.isEnabled() and window.rest.why.text() == gone
    window.status.note("")
    assert window.screen_rest()  # the Case tab's button, clicked: the same words
    qtbot.waitUntil(lambda: window.status.currentMessage() == gone, timeout=WAIT_MS)
    assert not window.controller.screening and len(window.batch) == SCREENED


def test_restore_and_screen_the_rest_with_files_gone_screens_the_others_and_stays_partial(
        make_window, qtbot, cut_short, data_folder):
    """As the Case tab's Screen the rest does (``test_screen_rest_gone``)."""
    folder, session = cut_short
    held = {result.path for result in session.results}
    for path in [path for path in sorted(folder.iterdir()) if path not in held][:4]:
        path.unlink()
    window, box = asked_to_restore(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished,
                          timeout=SCREEN_TIMEOUT_MS) as done:
        answer(box)
    assert done.args == [FILES - 4, False]
    stays_partial(window, qtbot, 4, data_folder)
