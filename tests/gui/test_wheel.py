"""A mouse wheel passing over the case form's boxes scrolls the form and changes no fact, nor
the threshold; a box the technician clicked into takes the wheel as before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import screen_and_wait, turn_wheel
from tests.images import make_cell_folder


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
    assert not any([turn_wheel(box, -3) for box in (*boxes, controls.spin, controls.slider)])
    after = [(box.value() if hasattr(box, "value") else box.currentIndex()) for box in boxes]
    assert after == before and window.batch.facts.rule.threshold == threshold
    qtbot.mouseClick(panel.age, Qt.MouseButton.LeftButton)  # clicked into: the box's own
    assert turn_wheel(panel.age, 1) and panel.age.value() != before[0]
