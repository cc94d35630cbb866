"""A signed case opened again, File > Amend the signed result…, and the amendment withdrawn,
File > Withdraw the amendment, for the window's case flow (``gui.case_flow``), which holds
this and tells and refuses for it (:class:`Telling`).

An amendment opens the case with a reason, the signed version kept (and saved too); while it
has changed nothing it can be withdrawn: the case is signed as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from malariascope.core.errors import CaseError, not_taken
from malariascope.gui import case_dialogs, dialogs
from malariascope.gui.case_reading import own_refusal, refusal
from malariascope.gui.workers import Worker

if TYPE_CHECKING:
    from malariascope.core.register import StoredCase
    from malariascope.gui.case_saving import CaseSaving


class Telling(Protocol):
    """What amending asks of the case flow that holds it: a line for the status bar, the
    refusals every action on a case gives, and its actions set to what the case allows."""

    message: SignalInstance

    def refuse(self, title: str, problem: str, box: QWidget | None) -> None: ...

    def refuse_for_refused_fact(self, doing: str) -> bool: ...

    def update_actions(self) -> None: ...


class CaseAmending:
    """Amends the case of ``window`` (MalariaScope's main window, whose case, controller and
    past case view it uses) and withdraws its amendment; ``flow`` tells and refuses, and
    ``saving`` saves the case."""

    def __init__(self, window: QMainWindow, flow: Telling, saving: CaseSaving) -> None:
        self._window, self._flow, self._saving = window, flow, saving
        self.case, self.controller = window.case, window.controller
        self.checking = False  # Amend's check of the case against the register is under way

    def start_amending(self) -> None:
        if not self.case.signed:
            return
        facts = self.case.case.facts
        dialog = case_dialogs.AmendDialog(self._window, facts.sample_id, facts.operator)
        case_dialogs.open_form(dialog, lambda: self.amend(dialog.reason.toPlainText(),
                                                          dialog.name.text()))

    def amend(self, reason: str, by: str) -> bool:
        """Open the signed case again with ``reason``, once its amending lock is taken in a
        worker (``gui.amending_lock``): True says it is asked, and the answer amends it or
        says why not; False, refused at once. A past case on show, or the own case of a
        window without autosave (another window may have opened it), is first checked
        against the register in a worker too."""
        past_case = self._window.past_case
        if past_case.shown is not None or self._window.autosave.register is None:
            self._check(lambda why: self._take(reason, by, why))
            return True
        return self._take(reason, by)

    def _check(self, then: Callable[[str], object]) -> None:
        """Ask the register, in a worker, whether the past case on show may be amended from
        this copy, by the check its take makes (``Register.check_take``): a save of the
        window's under way, or a register opened to read, never holds up the window. With no
        case on show, the window's own case is asked about (``own_refusal``: another window
        may work on it). ``then`` gets the refusal ("": none) on the UI thread, while that
        case is still on show; until then Amend is off, one check at a time."""
        window = self._window
        stored, autosave = window.past_case.shown, window.autosave
        if self.checking:
            return
        uid = window.batch.case.uid
        if stored is None:
            worker = Worker(own_refusal, uid, autosave.another_works)
        else:
            worker = Worker(refusal, stored, autosave.register, autosave.another_works)
        worker.returned.connect(lambda why: self._on_checked(stored, uid, why, then))
        worker.errored.connect(lambda exc: self._on_checked(stored, uid, str(exc), then))
        self._set_checking(True)
        window.status.note("Checking the case in the case register…")
        window.controller.workers.start(worker)

    def _on_checked(self, stored: StoredCase | None, uid: str, why: str,
                    then: Callable[[str], object]) -> None:
        """``why`` the case checked, ``stored`` on show (None: the window's own case ``uid``),
        may not be amended; ``then`` gets it while that case is still the one on show."""
        self._set_checking(False)
        if self._window.past_case.shown is stored and self._window.batch.case.uid == uid:
            then(why)

    def _set_checking(self, checking: bool) -> None:
        self.checking = checking
        self._flow.update_actions()

    def _take(self, reason: str, by: str, refused: str = "") -> bool:
        """Take the lock of the case, refused by the register for ``refused`` ("": not),
        then amend it while it is still the signed case on show."""
        if refused:
            return self._refuse(refused)
        shown, uid = self._window.past_case.shown, self._window.batch.case.uid

        def on_taken(held_elsewhere: str) -> None:
            self._flow.update_actions()  # Amend is off while the lock is taken
            if (self._window.past_case.shown is shown and self._window.batch.case.uid == uid
                    and self.case.signed):
                self._amend(reason, by, held_elsewhere)

        taking = self._window.autosave.amending.take(uid, on_taken)
        self._flow.update_actions()
        return taking

    def _refuse(self, why: str) -> bool:
        self._flow.message.emit(not_taken(self.case.case.name, "amended", why))
        return False

    def _amend(self, reason: str, by: str, refused: str) -> None:
        if refused:
            self._refuse(refused)
            return
        try:
            self.case.amend(reason, by, self.controller.extent)
        except CaseError as exc:
            dialogs.message(self._window, QMessageBox.Icon.Warning, "Not amended", str(exc))
            return
        self._window.past_case.adopt()  # a past case amended is the window's open case
        self._flow.message.emit("Amended: the signed version is kept; sign again when done")
        self._saving.save("Amended and saved to the register: the signed version is kept; "
                          "sign again when done")

    @property
    def withdrawable(self) -> bool:
        """True when File > Withdraw the amendment would withdraw it now, unasked: the case
        on show is the window's, amended, not being screened, every box of its form taken,
        and nothing changed since the amendment opened."""
        window = self._window
        return (self.case.case.amending and window.past_case.shown is None
                and not self.controller.screening and not window.case_panel.holds_refused
                and not self.case.amendment_changes(self.controller.extent))

    def withdraw_amendment(self) -> bool:
        """Sign the case again as the version its amendment replaced, when the amendment
        changed nothing, and save it; else say what changed. False when refused."""
        case, flow = self.case.case, self._flow
        if not case.amending or self._window.past_case.shown is not None:
            return False
        if self.controller.screening:
            flow.refuse("Amendment not withdrawn", "Screening is still running: its cells "
                         "change the case. Wait for it to finish, or cancel it.", None)
            return False
        if flow.refuse_for_refused_fact("withdrawing the amendment"):
            return False
        try:
            signature = self.case.withdraw_amendment(self.controller.extent).signature
        except CaseError as exc:
            flow.refuse("Amendment not withdrawn", _changed_words(case.name, str(exc)), None)
            return False
        flow.message.emit(f"Amendment withdrawn: signed by {signature.name} as before; saving "
                          "to the register…")
        self._saving.save(f"Amendment withdrawn: signed by {signature.name} as before; saved "
                          "to the register")
        return True


def _changed_words(name: str, changed: str) -> str:
    """Why the amendment of case ``name`` stays open: what ``changed`` since it opened."""
    return (f"The amendment of case {name} cannot be withdrawn: since it opened, the case "
            f"changed ({changed}).\n\nSign the case again (File > Sign the result…) to keep "
            "the change. A fact or the threshold put back as it was signed, or a screening cut "
            "short opened again to its end, lets the amendment be withdrawn. Images new to the "
            "case opened during the amendment (even if cancelled, or only copies) and review "
            "decisions stay with the case, so after them it is signed again.")
