"""A partial case whose unscreened image files are gone from its folder (moved or deleted)
stays partial when its rest is screened or its folder opened again, and says how many are
gone: its record never says complete while files found when it was cut short were never
screened."""

from __future__ import annotations

import shutil

from malariascope.core.register import Register
from tests.gui.conftest import SCREENED
from tests.gui.helpers import SCREEN_TIMEOUT_MS
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_screen_rest import FILES, offered, reopened  # noqa: F401

NOT_SCREENED = FILES - SCREENED


def unscreened(window, folder):
    """The image files of ``folder`` that the window's case holds no cell of."""
    held = {result.path for result in window.batch.results}
    return [path for path in sorted(folder.iterdir()) if path not in held]


def screen_rest(window, qtbot, trigger=None) -> list:
    """Screen the rest of the window's case (or run ``trigger``); screening_finished's args."""
    with qtbot.waitSignal(window.controller.screening_finished,
                          timeout=SCREEN_TIMEOUT_MS) as done:
        (trigger or window.actions.screen_rest.trigger)()
    return done.args


def stays_partial(window, qtbot, gone: int, data_folder) -> None:
    """The case is partial, its files gone said so, in the window and in the register."""
    controller = window.controller
    assert not controller.complete and controller.not_screened() == gone
    assert window.status.partial_label.isVisible()
    assert f"{gone} image files" in window.status.currentMessage()
    assert "not there any more" in window.status.currentMessage()
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        stored = register.load(window.batch.case.uid)
    assert not stored.screening_complete


def test_a_case_whose_unscreened_files_were_moved_out_stays_partial(
        reopened, qtbot, tmp_path, data_folder):  # noqa: F811
    folder, window = reopened
    kept = tmp_path / "kept"
    kept.mkdir()
    for path in unscreened(window, folder):
        shutil.move(path, kept / path.name)
    assert screen_rest(window, qtbot) == [SCREENED, False]
    stays_partial(window, qtbot, NOT_SCREENED, data_folder)
    assert offered(window)  # screened once they are back
    for path in kept.iterdir():
        shutil.move(path, folder / path.name)
    assert screen_rest(window, qtbot) == [FILES, True] and window.controller.complete


def test_a_case_with_some_unscreened_files_deleted_screens_the_others_and_stays_partial(
        reopened, qtbot, data_folder):  # noqa: F811
    folder, window = reopened
    for path in unscreened(window, folder)[:4]:
        path.unlink()
    assert screen_rest(window, qtbot) == [FILES - 4, False]
    stays_partial(window, qtbot, 4, data_folder)


def test_a_case_whose_emptied_folder_is_opened_again_stays_partial(
        reopened, qtbot, tmp_path, data_folder):  # noqa: F811
    folder, window = reopened
    for path in unscreened(window, folder):
        shutil.move(path, tmp_path / path.name)
    assert screen_rest(window, qtbot, lambda: window.open_paths([folder])) == [SCREENED, False]
    stays_partial(window, qtbot, NOT_SCREENED, data_folder)


def test_files_of_another_folder_opened_with_it_do_not_stand_in_for_the_files_gone(
        reopened, qtbot, tmp_path, data_folder, real_cells):  # noqa: F811
    """Two of its unscreened files deleted, the case's folder was opened again beside another
    folder of two new cells: their two files made up for the two gone, and the case read
    complete with two files found at its cut never screened."""
    folder, window = reopened
    for path in unscreened(window, folder)[:2]:
        path.unlink()
    other = tmp_path / "other"
    other.mkdir()
    for path in real_cells["uninfected"][6:8]:  # not among the case's
        shutil.copy(path, other / path.name)
    done = screen_rest(window, qtbot, lambda: window.open_paths([folder, other]))
    assert done == [FILES - 2 + 2, False]
    stays_partial(window, qtbot, 2, data_folder)
