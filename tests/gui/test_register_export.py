"""The register dialog's exports that fail, on a 1024 x 768 screen: the reason wraps in the
dialog, which stays whole on the screen, and the box offers another location."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, wait_for_box
from tests.gui.test_register_dialog import WAIT_MS, filed, open_register, select  # noqa: F401
from tests.reports import read_rows

SCREEN = QRect(0, 0, 1024, 740)  # 1024 x 768 under a top panel


def _whole_on_screen(dialog) -> bool:
    """True when ``dialog``, laid out for what it shows now, and its Close button lie
    inside the screen."""
    dialog.layout().activate()  # as Qt does once the event loop turns
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    shown = QRect(close.mapToGlobal(close.rect().topLeft()), close.size())
    return SCREEN.contains(dialog.frameGeometry()) and SCREEN.contains(shown)


def test_a_failed_export_keeps_the_dialog_on_screen_and_offers_another_place(
        make_window, qtbot, monkeypatch, filed, tmp_path):  # noqa: F811
    """The reason of a failed export, on one line under the list, widened the register past
    a 1024 px screen, its Close button cut off, and it reopened as wide; the box had only
    OK, where the window's own failed export offers another location."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda screen: SCREEN)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    dialog = open_register(window, qtbot)
    assert _whole_on_screen(dialog)
    (tmp_path / "f.txt").write_text("a file, not a folder")
    unwritable = (tmp_path / "f.txt" / "Laboratory information system" / "Register exports"
                  / "District hospital malaria screening" / "December 2026" / "cases.csv")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()  # the list as it stays: an older search's answer is dropped
    select(dialog, "X-3")
    assert len(dialog.selected_uids()) == 1
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS):
        dialog.exports.export_to(unwritable, selected=True)
    box = wait_for_box(qtbot, dialog, "Export failed")
    assert str(unwritable.parent) in dialog.note.text()
    assert _whole_on_screen(dialog)
    elsewhere = tmp_path / "cases.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(elsewhere), "CSV files (*.csv)"))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        click(box, "Choose another location…")
    assert [row["sample_id"] for row in read_rows(elsewhere)] == ["X-3"]
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert open_register(window, qtbot) is dialog and _whole_on_screen(dialog)
