"""What a screen reader says of the window's controls and of each cell of the list."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QHeaderView,
    QScrollBar,
    QToolButton,
    QWidget,
)

from malariascope.gui.results_table import THUMB
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder

CONTROLS = (QAbstractSlider, QAbstractSpinBox, QAbstractItemView)  # scroll bars, headers: Qt's


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader reads for ``widget``: Qt's accessible interface's."""
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_sliders_spin_boxes_and_cell_views_have_names_of_their_own(window):
    threshold = window.controls.threshold
    named = {threshold.spin: "Threshold", threshold.slider: "Threshold slider",
             window.detail.opacity: "Grad-CAM overlay opacity", window.table: "Cell list",
             window.gallery: "Cell gallery"}
    assert {widget: widget.accessibleName() for widget in named} == named
    assert threshold.slider.toolTip() == threshold.spin.toolTip() == threshold.toolTip() != ""
    controls = [widget for widget in window.findChildren(QWidget)
                if isinstance(widget, CONTROLS) and widget.window() is window
                and not isinstance(widget, (QHeaderView, QScrollBar))]
    names = [spoken_name(widget) for widget in controls]
    assert all(names), [type(widget).__name__ for widget in controls if not spoken_name(widget)]
    assert len(set(names)) == len(names), names


def test_the_filters_are_not_named_as_the_review_buttons_are(window):
    actions = window.actions
    buttons = [button for button in window.findChildren(QToolButton)
               if button.defaultAction() in (*actions.filters.values(), *actions.review)]
    filters = {spoken_name(button) for button in buttons
               if button.defaultAction() in actions.filters.values()}
    assert {"Show parasitized", "Show uninfected", "Show all", "Show to review"} <= filters
    reviews = {spoken_name(button) for button in buttons} - filters
    assert {"Parasitized", "Uninfected"} <= reviews  # the review buttons, as they read


def test_a_cell_of_the_list_and_the_gallery_is_told_in_words(window, qtbot, tmp_path):
    folder = tmp_path / "cells"
    make_cell_folder(folder, 4)
    screen_and_wait(window, qtbot, [folder])
    model = window.gallery.model()  # the table's rows, filtered and sorted, as the gallery's
    tile = model.index(0, THUMB)
    row = model.mapToSource(tile).row()
    batch, name = window.batch, window.table.model().sourceModel().name(row)
    text = tile.data(Qt.ItemDataRole.AccessibleTextRole)
    assert text.startswith(f"{name}: {batch.final_call(row)}, not reviewed")
    assert f"the model's call {batch.call(row)}" in text and "P(parasitized) 0." in text
    assert batch.confirm(row)
    assert ", confirmed" in model.index(0, THUMB).data(Qt.ItemDataRole.AccessibleTextRole)
    description = tile.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert description == os.path.abspath(batch.results[row].path)
