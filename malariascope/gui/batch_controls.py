"""The call threshold of the batch, bound both ways to the batch (the slide id and the
microscopist are the case's: ``gui.case_panel``).

Edits go straight to the :class:`~malariascope.gui.batch.Batch` (so the export sees them);
changes of the batch (a model loaded, a threshold reset, a case signed) come back through its
events.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QValidator
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

from malariascope.core.words import THRESHOLD_DECIMALS, threshold_words
from malariascope.gui.batch import Batch
from malariascope.gui.wheel_guard import guard_wheel

if TYPE_CHECKING:  # core.classifier pulls in numpy; the window paints before it is imported
    from malariascope.core.classifier import CallRule
    from malariascope.core.facts import BatchFacts

THRESHOLD_RANGE = (0.01, 0.99)
STEPS = 1000  # slider resolution: 0.001; the box takes the card's THRESHOLD_DECIMALS


class _ThresholdSpin(QDoubleSpinBox):
    """A spin box that says when its arrow buttons are clicked (:attr:`stepped`), so the keys
    can go back to the list: the click gives the box the keys, and the next Down or PgDn,
    meant for the list, would move the threshold again.

    Whatever is typed stays as typed until Enter, leaving the box or an arrow: then it is
    applied as it is (:attr:`applied`), or refused (:attr:`refused` says why) and the box
    shows the threshold again. It shows a decimal point, as the reports do, and takes a point
    or a comma: below 1 neither groups thousands.
    """

    stepped = Signal()
    applied = Signal()  # a threshold typed is taken, whether or not it moves the threshold
    refused = Signal(str)  # why the value typed was not applied

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        State = QValidator.State  # noqa: N806 (Qt's enum)
        return (State.Intermediate if self._typed(text) is None else State.Acceptable), text, pos

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt API)
        typed = self._typed(text)
        return self.value() if typed is None else typed

    def _typed(self, text: str) -> float | None:
        """The threshold ``text`` names, with at most the decimals shown; None when it names
        none."""
        text = text.strip().replace(",", ".")
        if not re.fullmatch(r"\d*\.?\d*", text) or not text.strip("."):
            return None
        value = float(text)
        low, high = THRESHOLD_RANGE
        return (value if low <= value <= high and round(value, THRESHOLD_DECIMALS) == value
                else None)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt API)
        return threshold_words(value)

    def _refuse_typed(self) -> bool:
        """True, once the box shows the threshold again, when what is typed is no threshold;
        a threshold typed since the box last showed one is :attr:`applied`."""
        typed = self.lineEdit().text()
        if self._typed(typed) is not None:
            if self.lineEdit().isModified():
                self.applied.emit()
            return False
        low, high = (f"{edge:.2f}" for edge in THRESHOLD_RANGE)
        self.refused.emit(f"Threshold must be between {low} and {high}, with at most "
                          f"{THRESHOLD_DECIMALS} decimals: \"{typed.strip()}\" not applied, it "
                          f"stays {self.textFromValue(self.value())}")
        self.interpretText()  # back to the threshold: nothing typed is taken for it
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._refuse_typed():
            self.selectAll()  # the keys stay here, for the threshold to be typed again
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        self._refuse_typed()
        super().focusOutEvent(event)

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt API)
        if not self._refuse_typed():  # an arrow after a refused value leaves the threshold
            super().stepBy(steps)

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
        self.slider.setAccessibleName("Threshold slider")
        self.spin = _ThresholdSpin()
        self.spin.setAccessibleName("Threshold")
        self.spin.setRange(*THRESHOLD_RANGE)
        self.spin.setDecimals(THRESHOLD_DECIMALS)
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
        return round(self.spin.value(), THRESHOLD_DECIMALS)

    def setValue(self, value: float) -> None:  # noqa: N802 (Qt naming, like the widgets inside)
        """Show ``value`` without emitting :attr:`valueChanged`."""
        for widget, shown in ((self.slider, round(value * STEPS)), (self.spin, value)):
            widget.blockSignals(True)
            widget.setValue(shown)
            widget.blockSignals(False)

    def _on_edited(self, value: float) -> None:
        value = round(value, THRESHOLD_DECIMALS)
        self.setValue(value)  # the other widget follows
        self.valueChanged.emit(value)


class BatchControls(QWidget):
    """A threshold slider with a reset to the card's value, disabled while the case is signed.

    Enter in the threshold's box, a click on its arrow buttons or on Model default emits
    :attr:`entered`: the window hands the keys back to the cell list, so the next arrow or P
    reviews cells instead of editing the form. :attr:`message` says why a threshold typed was
    not applied, and :attr:`withdrawn` takes that back once a threshold is applied or moved:
    the threshold is then no longer the one the refusal says it stays.
    """

    entered = Signal()
    message = Signal(str)  # one line for the status bar
    withdrawn = Signal(str)  # a message that no longer holds

    def __init__(self, batch: Batch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self.threshold = ThresholdControl()
        self.field_threshold = QLabel()  # the field threshold that the threshold implies
        self.field_threshold.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reset = QPushButton("Model default")  # its tooltip says where it goes
        # Clicked, it disables itself and its focus would pass on down the form, taking the
        # next arrow to the Grad-CAM checkbox, not to the list. Tab still reaches it.
        self.reset.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._refusal = ""  # the last refusal said, until withdrawn
        self._build()
        self.threshold.valueChanged.connect(batch.set_threshold)
        self.reset.clicked.connect(self._on_reset_clicked)
        self.threshold.spin.lineEdit().returnPressed.connect(self.entered)
        self.threshold.spin.stepped.connect(self.entered)
        self.threshold.spin.refused.connect(self._on_refused)
        self.threshold.spin.applied.connect(self._withdraw_refusal)
        batch.events.relabelled.connect(self._withdraw_refusal)  # moved, whatever moved it
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
        form.labelForField(self.threshold).setBuddy(self.threshold.spin)  # the box takes keys
        form.addRow("Field threshold", field_row)

    def _on_refused(self, text: str) -> None:
        self._refusal = text
        self.message.emit(text)

    def _withdraw_refusal(self) -> None:
        if self._refusal:
            self.withdrawn.emit(self._refusal)
            self._refusal = ""

    def _on_reset_clicked(self) -> None:
        default = self.batch.facts.default_threshold
        if default is not None:
            self.batch.set_threshold(default)
        self.entered.emit()  # the keys back to the list, from the threshold box too

    def _on_relabelled(self) -> None:
        facts = self.batch.facts
        rule, default = facts.rule, facts.default_threshold
        enabled = rule is not None and self.batch.case.signed is None
        self.threshold.setEnabled(enabled)
        self.reset.setEnabled(enabled and default is not None
                              and abs(rule.threshold - default) > 1e-9)
        self.reset.setToolTip(_reset_tip(facts))
        if rule is not None:
            self.threshold.setValue(rule.threshold)
        tip = _threshold_tip(rule)
        for widget in (self.threshold, self.threshold.slider, self.threshold.spin,
                       self.field_threshold):
            widget.setToolTip(tip)
        self.field_threshold.setText(_field_text(rule))


def _reset_tip(facts: BatchFacts) -> str:
    """Where Model default goes: the threshold of the card of the model that called the
    case, or why it goes nowhere while that card is not the one loaded."""
    if facts.rule is None:
        return "Back to the threshold of the model card, once the model is ready"
    if facts.default_threshold is None:
        return (f"Not available: this case was called by {facts.model or 'another model'}, "
                "not by the model loaded, so the threshold of its card is not known here")
    return (f"Back to {threshold_words(facts.default_threshold)}, the threshold of the card "
            f"of {facts.model}")


def _field_text(rule: CallRule | None) -> str:
    """The threshold that calls cells of whole fields, as the threshold now sets it."""
    if rule is None:
        return ""
    if rule.field_threshold is None:
        return "the same (the model has no field threshold)"
    return threshold_words(rule.field_threshold)


def _threshold_tip(rule: CallRule | None) -> str:
    """What the threshold does, with the stricter one that cells of whole fields follow."""
    tip = "P(parasitized) at or above this is called parasitized; the whole batch re-labels live"
    if rule is not None and rule.field_threshold is not None:
        field = threshold_words(rule.field_threshold)
        tip += (f".\nCells of whole fields: at or above {field} (moves with it), between the"
                " two they are uncertain, so that parasitemia is not inflated by the many"
                " healthy cells")
    return tip
