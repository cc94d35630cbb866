"""A folder named relative to the folder MalariaScope was started in (``malariascope gui
cells``) is kept by its full path: the case, its register copy and the recent folders still
find it once the app's current folder is another."""

from __future__ import annotations

import os

from malariascope.core.register import Register
from malariascope.gui import settings
from malariascope.gui.app import start
from tests.gui.helpers import SCREEN_TIMEOUT_MS
from tests.gui.saving_faults import WAIT_MS, writes_done


def test_a_folder_opened_by_a_relative_name_is_kept_by_its_full_path(
        make_window, qtbot, cell_folder, data_folder, monkeypatch):
    folder, _ = cell_folder
    monkeypatch.chdir(folder.parent)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        start(window, [folder.name])  # as ``malariascope gui cells`` starts it
    monkeypatch.chdir(os.sep)  # the current folder holds no folder of that name
    assert [str(path) for path in window.controller.extent.inputs] == [str(folder)]
    assert all(result.path.is_absolute() and result.path.exists()
               for result in window.batch.results)
    assert settings.recent_folders()[0] == folder
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    with Register(data_folder) as register:
        stored = register.load(window.batch.case.uid)
    assert [str(path) for path in stored.inputs.inputs] == [str(folder)]
    assert stored.cells and all(cell.path.is_absolute() for cell in stored.cells)
