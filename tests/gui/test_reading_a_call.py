"""What the window says of how a call is made: both thresholds where they apply."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_the_threshold_control_shows_the_field_threshold_it_implies(window, qtbot):
    """Moving the threshold from 0.187 to 0.5 moved the field threshold from 0.950 to 0.988,
    seen only in the report."""
    controls, batch = window.controls, window.batch
    card_rule = window.controller.classifier.rule
    assert controls.field_threshold.text() == f"{card_rule.field_threshold:.3f}"
    controls.threshold.spin.setValue(0.5)
    moved = batch.facts.rule
    assert moved.threshold == 0.5 and moved.field_threshold > card_rule.field_threshold
    assert controls.field_threshold.text() == f"{moved.field_threshold:.3f}"
    qtbot.mouseClick(controls.reset, Qt.MouseButton.LeftButton)
    assert controls.field_threshold.text() == f"{card_rule.field_threshold:.3f}"
    assert "whole fields" in controls.field_threshold.toolTip()

