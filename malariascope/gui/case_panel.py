"""The case tab: the slide's facts as a form over its result (see ``gui.case_result``).

Every edit goes to the :class:`~malariascope.gui.case_state.OpenCase` at once (texts as typed,
a date or a red cell count when the field is left); a value the case refuses stays on show in
its box, with the reason under the form, until it is corrected or a new case starts, and the
case keeps its last good value: signing and the reports wait until it is. A signed case shows
its facts read-only. The lab's facts, which the next case takes over, are remembered a second
after they change, not only as the window closes: they outlast a crash too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from malariascope.core.case import AGE_MAX, LINE_MAX, NOT_STATED, NOT_STATED_WORDS, SEXES, STAINS
from malariascope.core.errors import CaseError
from malariascope.core.parasitemia import TARGET_DEFAULT, TARGET_MAX, TARGET_MIN
from malariascope.gui.case_rest import action_button
from malariascope.gui.case_result import CaseResultView
from malariascope.gui.case_state import KEPT_FOR_NEXT, OpenCase
from malariascope.gui.choice_box import ChoiceBox
from malariascope.gui.settings import app_settings, write_now
from malariascope.gui.text_colour import ALERT, colour_text
from malariascope.gui.wheel_guard import guard_wheel

if TYPE_CHECKING:
    from malariascope.gui.controller import ScreeningController

NO_AGE = -1  # the age box's "not given"
STAIN_CHOICES = (NOT_STATED, *STAINS)  # the stain box's items, in order
LINES = {"sample_id": ("Slide id", "slide (sample) id, e.g. S-2026-0412"),
         "patient_id": ("Patient id", "as in the lab register"),
         "collected_on": ("Collected on", "YYYY-MM-DD"),
         "site": ("Site", "ward, clinic or field site"),
         "operator": ("Microscopist", "who screens and reviews this slide"),
         "lab": ("Laboratory", "the lab's name and place: heads every printed report")}
ON_LEAVING = ("collected_on", "rbc_per_ul")  # checked when the field is left, not at each key
LABELS = {**{name: label for name, (label, _) in LINES.items()}, "notes": "Notes",
          "rbc_per_ul": "Red cells per µL"}  # the boxes that take typed text


def rbc_value(text: str) -> int | float | None:
    """The red cell count typed (``5,000,000``, ``5e6``); None when the box is empty. Whole
    digits give an int, so a refusal names the count as typed (45000, not 45000.0); the
    case keeps a count as a float. A comma parts thousands, as the box shows them: one
    elsewhere ("4,5") is refused, never dropped."""
    spaced = text.replace(" ", "").replace("\u202f", "")
    if not spaced:
        return None
    if "," not in spaced or re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", spaced):
        for number in (int, float):
            try:
                return number(spaced.replace(",", ""))
            except ValueError:
                pass
    raise CaseError(f"red cells per µL must be a number, not {text.strip()!r}")


class CasePanel(QWidget):
    """The facts of ``case`` (editable while it is open) and its result, which follows the
    screening ``controller``; ``actions`` (sign, export, print) get buttons under the result,
    in order, and a widget among them (one with its own button) goes in as it is.
    Enter in a line or a number box, or a choice from a list, emits :attr:`entered`, so the
    window gives the keys back to the cell list."""

    entered = Signal()

    def __init__(self, case: OpenCase, actions: Iterable[QAction | QWidget],
                 controller: ScreeningController, remember: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self._remember = QTimer(self, singleShot=True, interval=1000)  # after a burst of keys
        self._viewing = False  # a past case on show: its facts are not the window's
        if remember:
            self._remember.timeout.connect(self._save_lab_facts)
        self.lines = {name: QLineEdit() for name in LINES}
        (self.sample_id, self.patient_id, self.collected_on, self.site, self.operator,
         self.lab) = self.lines.values()
        self.age, self.sex, self.stain = QSpinBox(), ChoiceBox(), ChoiceBox()
        self.notes = QPlainTextEdit()
        self.target, self.rbc = QSpinBox(), QLineEdit()
        self.error = QLabel()
        self._boxes = {**self.lines, "notes": self.notes, "rbc_per_ul": self.rbc}
        self._refused: dict[str, str] = {}  # box name: why the case refused the text it holds
        self._shown_case = case.case  # the case whose facts the boxes hold
        self.result = CaseResultView(case, controller)
        self._build(list(actions))
        self._connect()
        case.batch.events.facts_changed.connect(self._on_facts_changed)
        self._on_facts_changed()

    def _build(self, actions: list[QAction | QWidget]) -> None:
        for edit in self.lines.values():
            edit.setMaxLength(LINE_MAX)
        for name, (_, hint) in LINES.items():
            self.lines[name].setPlaceholderText(hint)
        self.age.setRange(NO_AGE, AGE_MAX)
        self.age.setSpecialValueText("not given")
        self.age.setSuffix(" years")
        self.sex.addItems([sex or "not given" for sex in SEXES])
        self.stain.addItems([stain or NOT_STATED_WORDS for stain in STAIN_CHOICES])
        self.notes.setPlaceholderText("anything the report should say")
        self.notes.setTabChangesFocus(True)  # Tab moves through the form as in every other box
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)
        self.target.setRange(TARGET_MIN, TARGET_MAX)
        self.target.setSingleStep(500)
        self.target.setGroupSeparatorShown(True)
        self.target.setToolTip("Red cells to count on this slide: WHO counts 2,000 to 5,000 on a "
                               "thin film, more when the parasitemia is low")
        guard_wheel(self.age, self.sex, self.stain, self.target)
        self.rbc.setPlaceholderText("not measured: no parasites per µL")
        self.rbc.setToolTip("The patient's red cell count per µL (e.g. 4,800,000), from the "
                            "haematology analyser; never assumed")
        self.error.setWordWrap(True)
        colour_text(self.error, ALERT)
        form = QFormLayout()
        label = {name: text for name, (text, _) in LINES.items()}
        for name, widget in (("sample_id", None), ("patient_id", None), ("Age", self.age),
                             ("Sex", self.sex), ("collected_on", None), ("site", None),
                             ("Stain", self.stain), ("operator", None), ("Notes", self.notes),
                             ("Target count", self.target), ("Red cells per µL", self.rbc),
                             ("lab", None)):
            form.addRow(label.get(name, name), widget or self.lines[name])
        buttons = QVBoxLayout()  # one a line, as wide as the panel: three side by side are
        # wider than the panel beside the gallery
        for action in actions:
            buttons.addWidget(action if isinstance(action, QWidget) else action_button(action))
        inner = QWidget()
        column = QVBoxLayout(inner)
        for part in (form, self.error, self.result, buttons):
            (column.addLayout if not isinstance(part, QWidget) else column.addWidget)(part)
        column.addStretch(1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the boxes, not round them
        QVBoxLayout(self).addWidget(scroll)
        self.layout().setContentsMargins(0, 0, 0, 0)

    def show_slide_id(self) -> None:
        """Scroll the form back to its slide id and give it the keys, ready to type."""
        self.show_box(self.sample_id)

    def show_box(self, box: QWidget) -> None:
        """Scroll the form to ``box`` and give it the keys."""
        self._scroll.ensureWidgetVisible(box)
        box.setFocus()

    @property
    def holds_refused(self) -> bool:
        """True while a box holds text the case refused (boxes being typed in not checked)."""
        return bool(self._refused)

    def refused_box(self) -> tuple[QWidget, str, str] | None:
        """The first box holding text the case refused, with its label and why; None when
        the case holds what every box shows. A box checked on leaving is checked now: it
        may still be being typed in."""
        for name in ON_LEAVING:
            self._leave(name)
        for name, reason in self._refused.items():
            return self._boxes[name], LABELS[name], reason
        return None

    def _connect(self) -> None:
        for name, edit in (*self.lines.items(), ("rbc_per_ul", self.rbc)):
            if name in ON_LEAVING:
                edit.editingFinished.connect(lambda n=name: self._leave(n))
            else:
                edit.textEdited.connect(lambda text, n=name: self._set(n, text))
            edit.returnPressed.connect(self.entered)
        for box in (self.sex, self.stain):
            box.closed.connect(self.entered)
        for spin in (self.age, self.target):
            spin.lineEdit().returnPressed.connect(self.entered)
        self.age.valueChanged.connect(
            lambda age: self._set("age_years", None if age == NO_AGE else age))
        self.sex.currentIndexChanged.connect(lambda index: self._set("sex", SEXES[index]))
        self.stain.currentIndexChanged.connect(
            lambda index: self._set("stain", STAIN_CHOICES[index]))
        self.notes.textChanged.connect(lambda: self._set("notes", self.notes.toPlainText()))
        self.target.valueChanged.connect(lambda count: self._set("target_cells", count))

    def _set(self, name: str, value: object,
             convert: Callable[[str], object] | None = None) -> None:
        if self.case.signed or self._viewing:
            return  # the form is disabled; a queued edit of the last moment is dropped
        try:
            self.case.type_in(**{name: convert(value) if convert else value})
        except CaseError as exc:
            self._refused[name] = str(exc)
        else:
            self._refused.pop(name, None)
            if name in KEPT_FOR_NEXT:
                self._remember.start()
        self._say_why("\n".join(self._refused.values()))

    def _say_why(self, reasons: str) -> None:
        """Show ``reasons`` under the form, scrolled into the tab's view when they change (on
        a short window the form's end is below the fold), the box being typed in kept in
        view first."""
        if reasons == self.error.text():
            return
        self.error.setText(reasons)
        form, typing = self._scroll.widget(), QApplication.focusWidget()
        if reasons:
            form.layout().activate()  # the label's new height, now
            self._scroll.ensureWidgetVisible(self.error, 0, 0)
            if typing is not None and form.isAncestorOf(typing):
                self._scroll.ensureWidgetVisible(typing, 0, 0)

    def _leave(self, name: str) -> None:
        """Apply the text of ``name``'s box, one of those checked on leaving."""
        self._set(name, self._boxes[name].text(), rbc_value if name == "rbc_per_ul" else None)

    def _save_lab_facts(self) -> None:
        store = app_settings()
        self.save_settings(store)
        write_now(store)

    def _on_facts_changed(self) -> None:
        """Show the case's facts (after a new case, a restore, signing or amending)."""
        facts, signed = self.case.case.facts, self.case.signed
        if self.case.case is not self._shown_case:  # text refused in another case goes
            self._shown_case = self.case.case
            self._refused.clear()
            self.error.clear()
        shown = {**{name: getattr(facts, name) for name in LINES},
                 **{"sample_id": self.case.batch.facts.sample_id,
                    "operator": self.case.batch.facts.operator}}
        for name, edit in self.lines.items():  # a space being typed is kept where it is
            if edit.text().strip() != shown[name] and name not in self._refused and not (
                    edit.hasFocus() and name in ON_LEAVING):
                edit.setText(shown[name])
        widgets = (self.age, self.sex, self.stain, self.notes, self.target)
        for widget in widgets:
            widget.blockSignals(True)
        self.age.setValue(NO_AGE if facts.age_years is None else facts.age_years)
        self.sex.setCurrentIndex(SEXES.index(facts.sex))
        self.stain.setCurrentIndex(STAIN_CHOICES.index(facts.stain))
        if self.notes.toPlainText().strip() != facts.notes and "notes" not in self._refused:
            self.notes.setPlainText(facts.notes)
        self.target.setValue(facts.target_cells)
        for widget in widgets:
            widget.blockSignals(False)
        if not (self.rbc.hasFocus() or "rbc_per_ul" in self._refused):
            self.rbc.setText("" if facts.rbc_per_ul is None else f"{facts.rbc_per_ul:,.0f}")
        for widget in (*self.lines.values(), *widgets, self.rbc):
            widget.setEnabled(not (signed or self._viewing))

    def set_viewing(self, viewing: bool) -> None:
        """Show a past case's facts read-only, and remember none of them as the lab's."""
        self._viewing = viewing
        self._on_facts_changed()

    def save_settings(self, store: QSettings) -> None:
        self._remember.stop()  # saved now: a window closed writes nothing after
        if self._viewing:
            return
        facts = self.case.case.facts
        store.setValue("operator", self.case.batch.facts.operator)  # the same person, most days
        store.setValue("case/lab", facts.lab)
        store.setValue("case/site", facts.site)
        store.setValue("case/stain", facts.stain)
        store.setValue("case/target_cells", facts.target_cells)

    def restore_settings(self, store: QSettings) -> None:
        if self.case.signed:
            return
        try:
            self.case.update(operator=str(store.value("operator", "")),
                             site=str(store.value("case/site", "")),
                             stain=str(store.value("case/stain", NOT_STATED)),
                             lab=str(store.value("case/lab", "")),
                             target_cells=int(store.value("case/target_cells", TARGET_DEFAULT)))
        except (CaseError, ValueError, TypeError):  # settings of another version: defaults
            pass
