"""The files a partial case found but had not screened, as its record keeps them by name: a
file screened since is never among them, and the names are built off the UI thread, however
many files the case has."""

from __future__ import annotations

import shutil
import threading

from malariascope.core.extent import Extent
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_quit_during_screening import gated, held  # noqa: F401
from tests.gui.test_screen_rest_gone import screen_rest, unscreened
from tests.gui.test_screen_rest_names import CELLS, cancelled  # noqa: F401


def recorded(window) -> int:
    """How many files the window's case records as found but not screened."""
    return sum(len(names) for _, names in window.controller.extent.unscreened)


def test_a_file_screened_alone_then_moved_out_is_not_told_gone(
        cancelled, qtbot, tmp_path):  # noqa: F811
    """A file not screened, added alone and screened, stayed recorded as not screened: moved
    elsewhere once screened, it was told gone, and the rest screened left the case partial."""
    folder, window = cancelled
    files = unscreened(window, folder)
    assert screen_rest(window, qtbot, lambda: window.open_paths([files[0]]))[1] is False
    assert recorded(window) == len(files) - 1 == CELLS - len(window.batch)
    shutil.move(files[0], tmp_path / files[0].name)  # screened, then archived elsewhere
    qtbot.waitUntil(lambda: window.actions.screen_rest.isEnabled(), timeout=WAIT_MS)
    assert screen_rest(window, qtbot) == [CELLS, True] and window.controller.complete
    assert "not there any more" not in window.status.currentMessage()


def test_the_files_not_screened_are_named_off_the_ui_thread(
        held, qtbot, monkeypatch):  # noqa: F811
    """Each chunk of a screening named every file not screened on the UI thread, and each
    look for the case's rest built all their paths there: a quarter second for 50,000."""
    window, gate = held
    threads: list[bool] = []
    unscreened_paths = Extent.unscreened_paths

    def named(extent: Extent, *args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return unscreened_paths(extent, *args, **kwargs)

    monkeypatch.setattr(Extent, "unscreened_paths", named)
    window.controller.cancel()
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    assert recorded(window) == CELLS - len(window.batch)
    window.central.show_case()
    qtbot.waitUntil(lambda: bool(threads) and not window.rest.looking, timeout=WAIT_MS)
    assert screen_rest(window, qtbot) == [CELLS, True]
    assert threads and not any(threads)


def test_one_file_gone_is_told_in_the_singular_in_the_case_tabs_words(
        cancelled, qtbot):  # noqa: F811
    """One file not screened deleted, the rest screened: the status bar said "1 image file
    ... are not there any more (moved or deleted)", the Case tab "(moved, renamed or
    deleted)"."""
    folder, window = cancelled
    unscreened(window, folder)[0].unlink()
    assert screen_rest(window, qtbot) == [CELLS - 1, False]
    assert ("1 image file found when its screening was stopped is not there any more (moved, "
            "renamed or deleted)") in window.status.currentMessage()


def test_a_file_added_alone_leaves_the_others_counted_as_not_screened(
        cancelled, qtbot):  # noqa: F811
    """One of the 76 files not screened added alone and screened, the case said "some" files
    were not screened, no longer 75: its count of files found was only those it held."""
    folder, window = cancelled
    files = unscreened(window, folder)
    assert window.controller.not_screened() == len(files)
    screen_rest(window, qtbot, lambda: window.open_paths([files[0]]))
    assert window.controller.not_screened() == len(files) - 1
    assert window.controller.extent.files == CELLS
