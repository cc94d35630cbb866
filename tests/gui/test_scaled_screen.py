"""The real window on a 1280 x 800 screen that Qt scales by 2 (640 x 400 of its pixels),
with cells screened: it fits the screen, and the list, the threshold, the status bar with
its Cancel button and the cell's review buttons stay within reach."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from malariascope.gui.results_table import FINAL
from malariascope.gui.window_layout import FRAME_ROOM
from tests.gui.helpers import field_pane_laid_out, resize_window, screen_and_wait
from tests.images import write_field

#: 1280 x 800 at 200 %, less a title bar.
SCALED_ROOM = (640, 400 - FRAME_ROOM)


def _in_window(window: QWidget, widget: QWidget, whole: bool = True) -> bool:
    """True when ``widget`` shows inside ``window``, at least as tall as it asks if ``whole``."""
    place = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return (widget.isVisible() and window.rect().contains(place)
            and (not whole or widget.height() >= widget.minimumSizeHint().height()))


def test_the_window_fits_a_screen_scaled_by_2_with_list_threshold_and_cancel(
        window, qtbot, tmp_path, real_cells):
    """At QT_SCALE_FACTOR=2 on a 1280 x 800 screen the window could not be made smaller
    than 725 x 490 of Qt's pixels: its right and bottom were off the 640 x 400 screen."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in real_cells["parasitized"][:3] + real_cells["uninfected"][:3]:
        shutil.copy(path, folder / path.name)
    screen_and_wait(window, qtbot, [folder])
    window.status.task_status.show()  # as while screening: the progress and its Cancel
    width, height = SCALED_ROOM
    for least in (window.minimumSizeHint(), window.minimumSize()):
        assert least.width() <= width and least.height() <= height, least
    resize_window(window, qtbot, width, height)
    table, threshold = window.table, window.controls.threshold
    for widget in (table, threshold.spin, threshold.slider, window.statusBar(),
                   window.status.task_status.cancel_button):
        assert _in_window(window, widget), widget
    assert table.viewport().height() >= table.verticalHeader().defaultSectionSize()
    header = table.horizontalHeader()  # File keeps its least: the final call beside it shows
    assert header.sectionViewportPosition(FINAL) + header.sectionSize(FINAL) <= (
        table.viewport().width())
    tabs = window.central.tabs  # the selected cell's review buttons are a scroll away
    scroll = next(area for area in window.findChildren(QScrollArea) if area.widget() is tabs)
    scroll.ensureWidgetVisible(window.detail.review_buttons)
    for button in window.detail.review_buttons.findChildren(QWidget):
        assert _in_window(window, button), button

    write_field(tmp_path / "field.png")  # a whole field under the list: it gives way
    screen_and_wait(window, qtbot, [tmp_path / "field.png"])
    field_pane_laid_out(window, qtbot)
    assert window.minimumSizeHint().height() <= height
    assert window.minimumSizeHint().width() <= width
    resize_window(window, qtbot, width, height)
    qtbot.waitUntil(lambda: _in_window(window, table))  # once the splits are laid out
    assert _in_window(window, window.central.field_box, whole=False)
    assert table.viewport().height() >= table.verticalHeader().defaultSectionSize()
