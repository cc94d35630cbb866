"""What a window is done with goes: all it held once Qt deletes it, and each dialog it asked
with once answered or closed."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.helpers import (
    MODEL_TIMEOUT_MS,
    answer_next_dialog,
    click,
    close_window,
    screen_and_wait,
)
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


def test_a_question_answered_a_print_dialog_and_an_adapt_form_closed_leave_no_dialog_behind(
        window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog

    from malariascope.gui.adapt_dialog import AdaptDialog

    monkeypatch.setattr(QPrintDialog, "exec", lambda _: QPrintDialog.DialogCode.Rejected)
    make_cell_folder(tmp_path / "cells", 4)
    for _ in range(2):
        screen_and_wait(window, qtbot, [tmp_path / "cells"])
        window.case_flow.reports.start_print()
        window.models.ask_adapt().reject()
        answer_next_dialog(window, lambda box: click(box, "Discard"))
        assert window.case_flow.new_case()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [type(dialog).__name__ for kind in (QMessageBox, QPrintDialog, AdaptDialog)
            for dialog in window.findChildren(kind)] == []
