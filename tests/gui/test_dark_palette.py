"""Coloured text (a count short of its target, a refusal, a call, a caption) readable on a
dark palette as on a light one: at least WCAG's 4.5:1 against what it is drawn on."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from malariascope.gui.results_table import CALL, FINAL
from malariascope.gui.text_colour import MIN_CONTRAST, contrast
from tests.gui.helpers import screen_and_wait

DARK = {QPalette.ColorRole.Window: "#2d2d2d", QPalette.ColorRole.WindowText: "#e0e0e0",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e0e0e0", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e0e0e0", QPalette.ColorRole.PlaceholderText: "#9a9a9a"}


@pytest.fixture(params=["dark", "light"])
def palette_window(request, make_window, qtbot, cell_folder):
    """A window with a slide screened and a red cell count refused, on a dark palette (as a
    dark desktop theme gives) or the light one; the app's palette is restored afterwards."""
    app = QApplication.instance()
    before = app.palette()
    palette = QPalette(before)
    if request.param == "dark":
        for role, colour in DARK.items():
            palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    try:
        window = make_window()
        screen_and_wait(window, qtbot, [cell_folder[0]])
        window.central.show_case()
        qtbot.keyClicks(window.case_panel.rbc, "45000")
        qtbot.keyClick(window.case_panel.rbc, Qt.Key.Key_Return)
        yield window
    finally:
        app.setPalette(before)


def _colours(text: str) -> list[QColor]:
    """The colours a label's rich text or style sheet names."""
    return [QColor(name) for name in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", text)]


def _on_window(label: QLabel, text: str) -> dict[str, float]:
    background = label.palette().color(QPalette.ColorRole.Window)
    return {colour.name(): contrast(colour, background) for colour in _colours(text)}


def test_warning_text_is_readable_on_the_palette(palette_window):
    """On a dark palette "12 / 2,000 red cells counted: 1,988 to go" was drawn in #a40000 on
    #2d2d2d (1.7:1), its grey captions at 2.4:1."""
    window = palette_window
    panel, status = window.case_panel, window.status
    assert "to go" in panel.result.text() and "45000" in panel.error.text()
    shown = {"result": _on_window(panel.result, panel.result.text()),
             "refusal": _on_window(panel.error, panel.error.styleSheet())}
    labels = {"unlike": status.unlike_label, "autosave": status.autosave_label,
              **{name: stat.value for name, stat in window.summary._stats.items()}}
    for name, label in labels.items():
        shown[name] = _on_window(label, label.styleSheet())
    assert shown["result"] and shown["refusal"]
    faint = {where: ratios for where, ratios in shown.items()
             if any(ratio < MIN_CONTRAST for ratio in ratios.values())}
    assert not faint


def test_calls_in_the_list_are_readable_on_the_palette(palette_window):
    model = palette_window.table.model()
    background = palette_window.table.palette().color(QPalette.ColorRole.Base)
    colours = [model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
               for row in range(model.rowCount()) for column in (CALL, FINAL)]
    ratios = {colour.name(): contrast(colour, background) for colour in colours if colour}
    assert ratios and min(ratios.values()) >= MIN_CONTRAST, ratios
