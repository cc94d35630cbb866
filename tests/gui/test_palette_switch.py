"""Coloured text follows the app's palette when it changes under a window already built (a
desktop switched between light and dark): every warning, call and caption stays readable."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from malariascope.gui.text_colour import MIN_CONTRAST, contrast
from tests.gui.helpers import screen_and_wait
from tests.gui.test_dark_palette import DARK


def _faint(widgets: dict[str, QWidget]) -> dict[str, dict[str, float]]:
    """The colours named in each widget's style sheet (and a label's rich text) that stand
    less than WCAG's 4.5:1 from the app palette's window, by widget."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    faint = {}
    for name, widget in widgets.items():
        text = widget.styleSheet() + (widget.text() if isinstance(widget, QLabel) else "")
        ratios = {found: contrast(QColor(found), window)
                  for found in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", text)}
        if any(ratio < MIN_CONTRAST for ratio in ratios.values()):
            faint[name] = ratios
    return faint


def test_coloured_text_follows_a_switch_to_dark_and_back(window, qtbot, cell_folder):
    """A window built on a light palette kept its dark red and grey text after a switch to
    a dark one (#a40000 on #2d2d2d, 1.7:1): the colours were made readable once, when the
    widgets were built or last filled."""
    app = QApplication.instance()
    light = app.palette()
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.central.show_case()
    panel = window.case_panel
    qtbot.keyClicks(panel.rbc, "45000")  # refused: the red line under the form
    qtbot.keyClick(panel.rbc, Qt.Key.Key_Return)
    batch = window.batch
    window.table.select_source_row(next(row for row in range(len(batch))
                                        if batch.results[row].ok))
    status, detail = window.status, window.detail
    widgets = {"result": panel.result, "refusal": panel.error, "unlike": status.unlike_label,
               "autosave": status.autosave_label, "learned": status.learned_mark,
               "why not screen the rest": window.rest.why,
               "call": detail.facts._values["Call"],
               **{name: stat.value for name, stat in window.summary._stats.items()}}
    assert "45000" in panel.error.text() and "to go" in panel.result.text()
    assert detail.facts._values["Call"].styleSheet()  # a call, coloured
    assert not _faint(widgets)
    dark = QPalette(light)
    for role, colour in DARK.items():
        dark.setColor(role, QColor(colour))
    try:
        for palette in (dark, light):
            app.setPalette(palette)
            app.processEvents()
            assert not _faint(widgets), palette.color(QPalette.ColorRole.Window).name()
    finally:
        app.setPalette(light)
