"""The detail panel in the real window with the real model: the cell beside its Grad-CAM
overlay, the overlay controls, and what it says of an unreadable file."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from malariascope.gui.results_table import PROB
from tests.gui.helpers import _current_row, _first_ok, screen_and_wait


def test_detail_view_shows_the_cell_beside_its_overlay(window, qtbot, mixed_folder):
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    row = next(row for row in range(len(batch)) if batch.suspect(row))
    window.table.select_source_row(row)
    qtbot.waitUntil(lambda: detail._cell is not None, timeout=10_000)
    plain, with_overlay = detail.canvas.image().copy(), detail.overlay_canvas.image().copy()
    assert detail.overlay_canvas.isVisible() and detail.legend.isVisible()
    assert plain.size() == with_overlay.size() == QSize(*detail._cell.image.shape[1::-1])
    assert plain != with_overlay
    assert detail.legend.caption.text() == "where the network sees a parasite"
    detail.overlay_box.setChecked(False)
    assert not detail.overlay_canvas.isVisible() and not detail.opacity.isEnabled()
    assert detail.canvas.image() == plain  # the cell itself, untouched
    detail.overlay_box.setChecked(True)
    detail.opacity.setValue(90)
    assert detail.overlay_canvas.image() != with_overlay
    result = batch.results[row]
    assert detail.fact("P(parasitized)").startswith(f"{result.probability:.3f}")
    assert detail.fact("Call") == batch.call(row)
    assert detail.fact("Model") == batch.facts.model
    assert detail.fact("Review") == "not reviewed"


def test_a_probability_just_under_the_threshold_does_not_read_as_equal_to_it(
        window, qtbot, mixed_folder):
    """At 3 decimals a P of 0.949879 read 0.950 against a threshold of 0.950, called
    uninfected: in the panel, the list's P column and the gallery's captions alike."""
    screen_and_wait(window, qtbot, [mixed_folder[0]])
    batch, detail = window.batch, window.detail
    row = next(row for row, r in enumerate(batch.results)
               if r.ok and 0.01 < r.probability < 0.99 and round(r.probability, 3) > r.probability)
    above = round(batch.results[row].probability, 3)
    window.controls.threshold.spin.setValue(above)
    window.table.select_source_row(row)
    assert batch.call(row) == "uninfected" and detail.fact("Call") == "uninfected"
    shown = float(detail.fact("P(parasitized)").split()[0])
    assert shown < float(detail.fact("Threshold")) == above
    listed = window.table_model.index(row, PROB).data()
    assert float(listed) == shown and len(listed) > len("0.950")
    assert window.gallery.itemDelegate().caption(row).split()[0] == listed


def test_the_overlay_starts_off_on_a_cell_called_uninfected(window, qtbot, mixed_folder):
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    healthy = next(row for row in range(len(batch)) if not batch.suspect(row))
    suspect = next(row for row in range(len(batch)) if batch.suspect(row))
    window.table.select_source_row(healthy)
    qtbot.waitUntil(lambda: detail._cell is not None, timeout=10_000)
    assert not detail.overlay_box.isChecked() and not detail.overlay_canvas.isVisible()
    detail.overlay_box.setChecked(True)  # asked for: the uninfected map, so named
    assert detail.legend.caption.text() == "where the network sees an uninfected cell"
    window.table.select_source_row(suspect)
    assert detail.overlay_box.isChecked()  # suspects keep their own choice
    detail.overlay_box.setChecked(False)
    window.table.select_source_row(healthy)
    window.table.select_source_row(suspect)
    assert not detail.overlay_box.isChecked()


def test_the_overlay_controls_leave_the_keys_with_the_list(window, qtbot, cell_folder):
    """After the overlay's opacity was dragged, Down changed the opacity instead of moving to
    the next cell (and PgDn jumped it by ten): the controls took the keys on a click."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    detail = window.detail
    window.table.select_source_row(_first_ok(window.batch))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    slider = detail.opacity
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(slider.width() // 4, slider.height() // 2))
    qtbot.mouseClick(detail.overlay_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, detail.overlay_box.height() // 2))
    qtbot.mouseClick(detail.overlay_box, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, detail.overlay_box.height() // 2))
    opacity, row = slider.value(), _current_row(window)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Up):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert slider.value() == opacity
    assert _current_row(window) > row


def test_detail_view_explains_an_unreadable_file(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0] / "broken"])
    window.table.select_source_row(0)
    assert window.detail.canvas.image().isNull()
    assert "Could not read" in window.detail.canvas.message
    assert window.batch.results[0].error in window.detail.canvas.message


def _lit(widget) -> np.ndarray:
    """Where ``widget``, painted now, is lighter than its black backdrop (rows, columns)."""
    picture = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(picture.constBits(), np.uint8).reshape(-1, picture.bytesPerLine())
    return rows[:picture.height(), :picture.width()] > 40


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)])
def test_why_a_file_is_unreadable_reads_whole_within_the_panel(window, qtbot, tmp_path,
                                                                size):
    """The longest reason was one line, cut at both edges of the panel at 1280 x 800."""
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    (tmp_path / "garbage.png").write_bytes(bytes(range(256)))  # no image, no text
    screen_and_wait(window, qtbot, [tmp_path / "garbage.png"])
    window.table.select_source_row(0)
    canvas = window.detail.canvas
    assert "(corrupt, truncated or unsupported format)" in canvas.message
    lit = _lit(canvas)
    columns, rows = np.flatnonzero(lit.any(axis=0)), np.flatnonzero(lit.any(axis=1))
    assert columns.size, "no text drawn"
    assert columns[0] >= 4 and columns[-1] < canvas.width() - 4  # clear of both edges
    assert rows[0] >= 4 and rows[-1] < canvas.height() - 4


def test_an_uncertain_cell_called_uninfected_shows_where_a_parasite_may_be(window, qtbot,
                                                                          mixed_folder):
    from malariascope.core.classifier import from_log_odds, log_odds
    from malariascope.core.gradcam import overlay
    from malariascope.gui.thumbnails import rgb_qimage

    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "real"])
    batch, detail = window.batch, window.detail
    row = _first_ok(batch)
    # just above this cell's score: called uninfected, within the uncertain band
    batch.set_threshold(from_log_odds(log_odds(batch.results[row].probability) + 0.2))
    assert batch.call(row) == "uninfected" and batch.uncertain(row)
    window.table.select_source_row(row)
    qtbot.waitUntil(lambda: detail._cell is not None and not detail.canvas.image().isNull(),
                    timeout=10_000)
    cell, alpha = detail._cell, detail.opacity.value() / 100.0
    shown = detail.overlay_canvas.image()
    assert shown == rgb_qimage(overlay(cell.image, cell.heat_parasitized, alpha))
    assert shown != rgb_qimage(overlay(cell.image, cell.heat_uninfected, alpha))


def test_review_and_grad_cam_are_off_on_an_unreadable_file_and_the_panel_says_why(
        window, qtbot, mixed_folder):
    """On an unreadable file's row the review buttons and the Grad-CAM controls looked
    enabled and did nothing."""
    folder, _ = mixed_folder
    screen_and_wait(window, qtbot, [folder / "broken", folder / "real"])
    batch, detail = window.batch, window.detail
    row = next(row for row, result in enumerate(batch.results) if not result.ok)
    window.table.select_source_row(row)
    window.table.setFocus()
    off = (*window.actions.review, window.actions.clear_review, detail.overlay_box,
           detail.opacity)
    assert not any(control.isEnabled() for control in off)
    assert detail.canvas.message.count(batch.results[row].error) == 1
    assert "nothing to review, no Grad-CAM" in detail.canvas.message
    for key in (Qt.Key.Key_Space, Qt.Key.Key_P, Qt.Key.Key_U):
        qtbot.keyClick(window.table, key)
    assert _current_row(window) == row and not batch.review(row)
    assert window.detail.fact("Cell") == ""  # not "one cell per image": it may be a field
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert _current_row(window) != row
    suspect = next(row for row in range(len(batch)) if batch.results[row].ok
                   and batch.suspect(row))  # its overlay on: the opacity too
    window.table.select_source_row(suspect)
    assert all(control.isEnabled() for control in off)
