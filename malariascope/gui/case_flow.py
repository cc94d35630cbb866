"""The case as the technician meets it: File > New case, Sign…, Amend… and Withdraw the
amendment (:mod:`~malariascope.gui.case_amending`), and the refusals a signed case gives.

Signing asks first when flagged cells are unreviewed, takes the signer's name, makes the case
read-only, and saves it to the local register (:mod:`~malariascope.gui.case_saving`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from malariascope.core.errors import CaseError
from malariascope.core.words import not_screened_words
from malariascope.gui import case_dialogs, dialogs
from malariascope.gui.case_amending import CaseAmending
from malariascope.gui.case_leaving import CaseLeaving
from malariascope.gui.case_result import without_call_text
from malariascope.gui.case_saving import CaseSaving
from malariascope.gui.report_flow import ReportFlow

if TYPE_CHECKING:
    from malariascope.core.register import StoredCase

NEW_CASE_HINT = "New case: type its slide id, then open its images or fields"


class CaseFlow(QObject):
    """The case actions of ``window`` (MalariaScope's main window, whose case, controller,
    actions, list, case tab, autosave and status bar it uses), with their dialogs."""

    message = Signal(str)  # one line for the status bar
    withdrawn = Signal(str)  # a message that no longer holds

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window, self.case, self.controller = window, window.case, window.controller
        self._actions = actions = window.actions
        self._show_facts = window.central.show_case
        window.status.take_notes(self.message, self.withdrawn)
        self.reports = ReportFlow(window)
        self._saving = CaseSaving(window)
        self.saved = self._saving.saved  # a case's uid, once it is in the register
        self.leaving = CaseLeaving(window, self.reports, self._saving)
        self.amending = CaseAmending(window, self, self._saving)
        window.case_panel.entered.connect(window.lists.setFocus)  # Enter: keys to the list
        case = self.case
        actions.new_case.triggered.connect(lambda: self.new_case())
        actions.sign.triggered.connect(lambda: self.start_signing())
        actions.amend.triggered.connect(lambda: self.amending.start_amending())
        actions.withdraw_amendment.triggered.connect(
            lambda: self.amending.withdraw_amendment())
        case.batch.events.changed.connect(self.update_actions)
        # another case on show (restored, or from the register) is not the new one
        case.batch.events.reset.connect(lambda: self.withdrawn.emit(NEW_CASE_HINT))
        case.batch.events.facts_changed.connect(self.update_actions)
        self.controller.idle.connect(self.update_actions)
        self.controller.progress.connect(self.update_actions)  # a screening has begun
        self.controller.model_ready.connect(self.update_actions)
        self.update_actions()

    def new_case(self, ask: bool = True) -> bool:
        """Start a new, empty case; an open case with cells is dropped only when agreed."""
        if self.refuse_amending("starting a new case"):
            return False
        if ask and not self.leaving.may_leave("Start a new case"):
            return False
        self.controller.drop_screening()
        self._window.past_case.leave()  # the new case follows the window's own, not the view's
        self.case.new()
        self.controller.begin_case()
        self.controller.idle.emit()
        self.message.emit(NEW_CASE_HINT)
        self._show_facts()
        return True

    def ready_to_add(self) -> bool:
        """True when images can be added to the case on show: it is open, or a past case of
        the register is on show (a new case takes its place, and the technician is told)."""
        shown = self._window.past_case.shown
        if shown is not None:
            if not self.new_case(ask=False):
                return False
            self._tell_past_case_stays(shown)
            return True
        return not self.refuse_signed("add images to it") and not self._refuse_other_model()

    def _tell_past_case_stays(self, shown: StoredCase) -> None:
        """Say that the images opened start a new case while the past case ``shown`` stays in
        the register (nothing of it is lost, so nothing is asked)."""
        name, signed = shown.case.name, shown.case.signed is not None
        text = (f"These images start a new case: the {'signed' if signed else 'open'} case "
                f"{name} stays in the case register as it is.")
        if signed:
            text += (f" To add images to {name}, open it from File > Case register… and "
                     "amend it.")
        dialogs.message(self._window, QMessageBox.Icon.Information, "New case", text)

    def _refuse_other_model(self) -> bool:
        """True, after saying why, when the case's cells were called by another model than
        the one loaded: a case is called by one model."""
        batch, classifier = self.case.batch, self.controller.classifier
        other = classifier is not None and len(batch) and batch.facts.other_model(classifier)
        if other:
            dialogs.message(self._window, QMessageBox.Icon.Warning, "Another model",
                            f"No images can be added to this case. {other}")
        return bool(other)

    def enter_sample_id(self) -> None:
        """Show the case's facts with the cursor in the slide id box."""
        self._show_facts()
        self._window.case_panel.sample_id.setFocus()

    def refuse_amending(self, doing: str) -> bool:
        """True, after saying why, while the case on show is being amended: it is signed
        again before the window leaves it, or its signed result would stay withdrawn."""
        case = self.case.case
        if self._window.past_case.shown is not None or not case.amending:
            return False
        dialogs.message(self._window, QMessageBox.Icon.Warning, "Amendment not finished",
                        f"Case {case.name} is being amended: its "
                        f"signed result is withdrawn until it is signed again. Sign it (File > "
                        f"Sign the result), or withdraw the amendment if it changed nothing "
                        f"(File > Withdraw the amendment), before {doing}.")
        return True

    def refuse_signed(self, doing: str) -> bool:
        """True, after saying why, when the case is signed: nothing is added to it or
        reviewed in it until it is amended."""
        if not self.case.signed:
            return False
        self.message.emit(f"Case {self.case.case.facts.sample_id} is signed: amend it (File > "
                          f"Amend) to {doing}, or start a new case (File > New case)")
        return True

    # -- signing -------------------------------------------------------------------------
    def start_signing(self) -> None:
        """Sign, after asking about unreviewed flagged cells; refused while screening."""
        problem, box = self._why_not_sign()
        if problem:
            self.refuse("Cannot sign yet", problem, box)
            return
        waiting, window = self.case.result().unreviewed_flagged, self._window
        if waiting:
            unsure = self.case.batch.marked_unsure()  # the queue leaves them out
            case_dialogs.ask_sign_unreviewed(
                window, waiting, len(unsure), sign=self._ask_signature,
                review=lambda: window.show_queue(unsure))
        else:
            self._ask_signature()

    def _why_not_sign(self) -> tuple[str, QWidget | None]:
        """Why the case cannot be signed now ("" when it can), and the box of the case form
        to fill in or correct first, if that is why."""
        if self.case.signed:
            return "This case is signed already.", None
        if self.controller.screening:
            return "Screening is still running: wait for it to finish, or cancel it.", None
        if not self.case.batch.facts.sample_id.strip():
            slide_id = self._window.case_panel.sample_id
            return "Type the slide (sample) id of the case first.", slide_id
        return self._refused_fact("signing")

    def _refused_fact(self, doing: str) -> tuple[str, QWidget | None]:
        """Why the case form stops ``doing`` ("" when it does not): a box holds text the case
        refused, which the case would go without; and that box."""
        refused = self._window.case_panel.refused_box()
        if refused is None:
            return "", None
        box, label, reason = refused
        return (f"The \"{label}\" box holds a value the case refused: {reason}. Correct it, "
                f"or clear the box, before {doing}."), box

    def refuse_for_refused_fact(self, doing: str) -> bool:
        """True, after saying why, when a box of the case form stops ``doing`` (a report)."""
        problem, box = self._refused_fact(doing)
        if problem:
            self.refuse("Check the case form", problem, box)
        return bool(problem)

    def refuse(self, title: str, problem: str, box: QWidget | None) -> None:
        """Say why something was refused; ``box``, the case form's box to fill in or correct,
        is shown and gets the keys once the message is closed (the list takes them back as
        a dialog closes)."""
        shown = dialogs.message(self._window, QMessageBox.Icon.Warning, title, problem)
        if box is not None:
            self._show_facts()
            shown.finished.connect(lambda *_: self._window.case_panel.show_box(box))

    def _ask_signature(self) -> None:
        facts, partial = self.case.batch.facts, self.controller.not_screened()
        result = self.case.result()
        # named before signing: a file unread, replaced and opened again, is screened yet
        without = without_call_text(result, self.case.batch.counts.without_call)
        shortfalls = (not_screened_words(partial), *result.shortfalls(),
                      without and f"Without a call: {without}.")
        dialog = case_dialogs.SignDialog(self._window, facts.sample_id, facts.operator,
                                         [line for line in shortfalls if line],
                                         self._saving.unwritable())
        case_dialogs.open_form(dialog, lambda: self.sign(dialog.name.text()))

    def sign(self, name: str) -> bool:
        """Sign the case as ``name`` and save it to the register; False when refused."""
        try:
            signature = self.case.sign(name).signature
        except CaseError as exc:
            dialogs.message(self._window, QMessageBox.Icon.Warning, "Not signed", str(exc))
            return False
        self.message.emit(f"Signed by {signature.name}; saving to the register…")
        self._saving.save(f"Signed by {signature.name}; saved to the register")
        return True

    def update_actions(self, *_: object) -> None:
        """Enable what the case allows now, and mark the window modified while Quit would
        ask (the past case view calls it as it starts and ends)."""
        signed, busy = self.case.signed, self.controller.screening
        viewing = self._window.past_case.shown is not None  # opening images ends the view
        # an open case's result waits for the model's card: its limits say if the cells
        # look unlike the model's
        ready = len(self.case.batch) > 0 and not self.controller.model_loading
        self._actions.sign.setEnabled(not (signed or viewing or busy) and ready)
        self._actions.amend.setEnabled(signed and not (self.amending.checking
                                                       or self._window.autosave.amending.taking))
        self._actions.withdraw_amendment.setEnabled(
            self.case.case.amending and not (viewing or busy))
        for action in (self._actions.export_pdf, self._actions.print_report):
            # a signed case has its signed result; a screening's cells are still coming in
            action.setEnabled((ready or signed) and not busy)
        self._window.rest.offer(len(self.case.batch) > 0 and not (signed or viewing or busy))
        self._window.reviews.set_read_only(signed or viewing)
        for action in (self._actions.open_images, self._actions.open_folder):
            action.setEnabled(not signed or viewing)
        self.leaving.mark_window()

