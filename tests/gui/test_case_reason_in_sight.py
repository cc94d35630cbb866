"""A reason the Case tab gives for refusing what was typed shows where the technician looks:
scrolled into the tab's view, even when the window leaves the form below its fold."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import resize_window, screen_and_wait
from tests.images import make_cell_folder


def test_a_refused_collection_date_says_why_within_the_case_tab_at_1024_by_700(
        window, qtbot, tmp_path):
    """At a 1024 x 700 screen (a window of 672 px inside its frame) the reason for a
    collection date in the future was under the Case tab's fold: the technician saw the
    date stay and not why."""
    resize_window(window, qtbot, 1024, 672)
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "slide", 2)[0].parent])
    window.central.show_case()
    panel = window.case_panel
    panel.collected_on.setFocus()
    qtbot.keyClicks(panel.collected_on, "2099-01-01")
    qtbot.keyClick(panel.collected_on, Qt.Key.Key_Tab)  # checked as the box is left
    assert "in the future" in panel.error.text()
    viewport = panel._scroll.viewport()
    for widget in (panel.error, QApplication.focusWidget()):  # and the box typed in next
        shown = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        assert viewport.rect().contains(shown), (widget, shown, viewport.rect())
