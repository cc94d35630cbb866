"""A mouse wheel passing over the case form's boxes scrolls the form and changes no fact, nor
the threshold; a box the technician clicked into takes the wheel as before."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


def turn_wheel(widget, notches: int = -3) -> bool:
    """Turn the wheel by ``notches`` (down when negative) over the middle of ``widget``; True
    when it took any of them (Qt hands one it leaves, from the mouse, on to its parent)."""
    middle, taken = QPointF(widget.rect().center()), False
    for _ in range(abs(notches)):
        event = QWheelEvent(middle, QPointF(widget.mapToGlobal(middle)), QPoint(0, 0),
                            QPoint(0, 120 if notches > 0 else -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        event.ignore()
        QApplication.sendEvent(widget, event)
        taken = taken or event.isAccepted()
    return taken


def test_the_wheel_over_the_case_form_scrolls_it_and_changes_no_fact(window, qtbot, tmp_path):
    """Scrolling the Case tab with the wheel set the target to 100, the age to 2 years, the
    sex and the stain of the slide as the pointer crossed their boxes, all autosaved."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "cells", 4)[0].parent])
    window.central.show_case()
    panel, controls = window.case_panel, window.controls.threshold
    window.lists.setFocus()
    boxes = (panel.age, panel.sex, panel.stain, panel.target)
    before = [(box.value() if hasattr(box, "value") else box.currentIndex()) for box in boxes]
    threshold = window.batch.facts.rule.threshold
    assert not any([turn_wheel(box) for box in (*boxes, controls.spin, controls.slider)])
    after = [(box.value() if hasattr(box, "value") else box.currentIndex()) for box in boxes]
    assert after == before and window.batch.facts.rule.threshold == threshold
    qtbot.mouseClick(panel.age, Qt.MouseButton.LeftButton)  # clicked into: the box's own
    assert turn_wheel(panel.age, 1) and panel.age.value() != before[0]
