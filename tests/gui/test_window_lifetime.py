"""A main window that Qt deletes lets go of everything it held: its model, cells and workers."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import MODEL_TIMEOUT_MS, close_window, screen_and_wait
from tests.images import make_cell_folder


def test_a_deleted_window_lets_go_of_its_model_and_cells_once_a_folder_is_in_open_recent(
        qtbot, tmp_path):
    from malariascope.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        window.start()
    make_cell_folder(tmp_path / "cells", 6)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    assert window.actions.recent_menu.actions()  # the folder is offered in Open recent
    held = {name: weakref.ref(thing) for name, thing in (
        ("batch", window.batch), ("controller", window.controller),
        ("classifier", window.controller.classifier))}
    close_window(window, qtbot)
    window.deleteLater()
    del window
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert [name for name, ref in held.items() if ref() is not None] == []
