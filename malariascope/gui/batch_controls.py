"""The call threshold of the batch, bound both ways to the batch (the slide id and the
microscopist are the case's: ``gui.case_panel``).

Edits go straight to the :class:`~malariascope.gui.batch.Batch` (so the export sees them);
changes of the batch (a model loaded, a threshold reset, a case signed) come back through its
events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSpinBox,
    QWidget,
)

from malariascope.gui.batch import Batch
from malariascope.gui.wheel_guard import guard_wheel

if TYPE_CHECKING:  # core.classifier pulls in numpy; the window paints before it is imported
    from malariascope.core.classifier import CallRule

THRESHOLD_RANGE = (0.01, 0.99)
STEPS = 1000  # slider resolution: 0.001, the precision shown and stored


class _ThresholdSpin(QDoubleSpinBox):
    """A spin box that says when its arrow buttons are clicked (:attr:`stepped`), so the keys
    can go back to the list: the click gives the box the keys, and the next Down or PgDn,
    meant for the list, would move the threshold again."""

    stepped = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        option = QStyleOptionSpinBox()
        self.initStyleOption(option)
        hit = self.style().hitTestComplexControl(QStyle.ComplexControl.CC_SpinBox, option,
                                                 event.position().toPoint(), self)
        if hit in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
            self.stepped.emit()


class ThresholdControl(QWidget):
    """A slider and a spin box showing one threshold in [0.01, 0.99], kept in step."""

    valueChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(*(round(edge * STEPS) for edge in THRESHOLD_RANGE))
        self.slider.setPageStep(50)
        # Mouse only: a click must not take the arrow keys from the list (they would move the
        # threshold and relabel the batch); the spin box takes typed values.
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.spin = _ThresholdSpin()
        self.spin.setRange(*THRESHOLD_RANGE)
        self.spin.setDecimals(3)
        self.spin.setSingleStep(0.01)
        # A typed value is applied on Enter or on leaving the box, whole: applied at each
        # keystroke, "0.1" would be written back as "0.100" and the next digit refused.
        self.spin.setKeyboardTracking(False)
        guard_wheel(self.slider, self.spin)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(lambda steps: self._on_edited(steps / STEPS))
        self.spin.valueChanged.connect(self._on_edited)

    def value(self) -> float:
        return round(self.spin.value(), 3)

    def setValue(self, value: float) -> None:  # noqa: N802 (Qt naming, like the widgets inside)
        """Show ``value`` without emitting :attr:`valueChanged`."""
        for widget, shown in ((self.slider, round(value * STEPS)), (self.spin, value)):
            widget.blockSignals(True)
            widget.setValue(shown)
            widget.blockSignals(False)

    def _on_edited(self, value: float) -> None:
        value = round(value, 3)
        self.setValue(value)  # the other widget follows
        self.valueChanged.emit(value)


class BatchControls(QWidget):
    """A threshold slider with a reset to the card's value, disabled while the case is signed.

    Enter in the threshold's box, a click on its arrow buttons or on Model default emits
    :attr:`entered`: the window hands the keys back to the cell list, so the next arrow or P
    reviews cells instead of editing the form.
    """

    entered = Signal()

    def __init__(self, batch: Batch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self.threshold = ThresholdControl()
        self.field_threshold = QLabel()  # the field threshold that the threshold implies
        self.field_threshold.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reset = QPushButton("Model default")
        self.reset.setToolTip("Back to the threshold of the model card")
        # Clicked, it disables itself and its focus would pass on down the form, taking the
        # next arrow to the Grad-CAM checkbox, not to the list. Tab still reaches it.
        self.reset.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._build()
        self.threshold.valueChanged.connect(batch.set_threshold)
        self.reset.clicked.connect(self._on_reset_clicked)
        self.threshold.spin.lineEdit().returnPressed.connect(self.entered)
        self.threshold.spin.stepped.connect(self.entered)
        batch.events.facts_changed.connect(self._on_relabelled)  # a case signed or amended
        batch.events.relabelled.connect(self._on_relabelled)
        self._on_relabelled()

    def _build(self) -> None:
        field_row = QHBoxLayout()
        field_row.setContentsMargins(0, 0, 0, 0)
        field_row.addWidget(self.field_threshold, 1)
        field_row.addWidget(self.reset)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Threshold", self.threshold)
        form.addRow("Field threshold", field_row)

    def _on_reset_clicked(self) -> None:
        self.batch.set_threshold(self.batch.facts.default_threshold)
        self.entered.emit()  # the keys back to the list, from the threshold box too

    def _on_relabelled(self) -> None:
        rule, default = self.batch.facts.rule, self.batch.facts.default_threshold
        enabled = rule is not None and self.batch.case.signed is None
        self.threshold.setEnabled(enabled)
        self.reset.setEnabled(enabled and abs(rule.threshold - default) > 1e-9)
        if rule is not None:
            self.threshold.setValue(rule.threshold)
        tip = _threshold_tip(rule)
        self.threshold.setToolTip(tip)
        self.field_threshold.setToolTip(tip)
        self.field_threshold.setText(_field_text(rule))


def _field_text(rule: CallRule | None) -> str:
    """The threshold that calls cells of whole fields, as the threshold now sets it."""
    if rule is None:
        return ""
    if rule.field_threshold is None:
        return "the same (the model has no field threshold)"
    return f"{rule.field_threshold:.3f}"


def _threshold_tip(rule: CallRule | None) -> str:
    """What the threshold does, with the stricter one that cells of whole fields follow."""
    tip = "P(parasitized) at or above this is called parasitized; the whole batch re-labels live"
    if rule is not None and rule.field_threshold is not None:
        tip += (f".\nCells of whole fields: at or above {rule.field_threshold:.3f} (moves with"
                " it), between the two they are uncertain, so that parasitemia is not inflated"
                " by the many healthy cells")
    return tip
