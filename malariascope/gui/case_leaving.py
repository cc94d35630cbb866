"""Whether the open case may leave the window (New case, opening a past case, Quit), and
the questions asked when leaving would lose what nothing else keeps: Keep for later, Export…,
Discard or Cancel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from malariascope.gui import case_dialogs, dialogs

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QMainWindow

    from malariascope.gui.case_saving import CaseSaving
    from malariascope.gui.events import Event
    from malariascope.gui.report_flow import ReportFlow


class CaseLeaving:
    """The leaving rules of ``window``'s open case (MalariaScope's main window, whose case,
    controller, autosave and past case view it reads); ``reports`` writes a PDF offered by
    Export…, ``saving`` knows which signed cases the register lacks."""

    def __init__(self, window: QMainWindow, reports: ReportFlow, saving: CaseSaving) -> None:
        self._window, self._case, self._controller = window, window.case, window.controller
        self._reports, self._saving = reports, saving
        autosave = window.autosave  # the case flow marks the window as the case changes
        for signal in (autosave.written, autosave.failed, saving.saved):
            signal.connect(self.mark_window)

    def may_leave(self, doing: str) -> bool:
        """True when the case on show may leave the window for ``doing``: it is empty, a
        past case shown read-only (the register keeps it), signed and saved (or being saved,
        in order), or the technician agrees to keep it for later or lose it; Export… begins
        its export instead (``doing`` is then not done). Not while a box of the case form
        holds text the case refused: kept or discarded, the case would go without it."""
        batch = self._case.batch
        if not len(batch) or self._window.past_case.shown is not None:
            return True
        if self._case.signed:
            return self._may_leave_signed(doing)
        if self._window.case_flow.refuse_for_refused_fact("the case leaves the window"):
            return False
        return self._may_drop(doing)

    def may_quit(self) -> bool:
        """True when the window may close without losing what nothing else keeps; else once
        the technician agrees.

        A past case on show is the register's and stays there, an amendment is asked about
        (its signed result stays withdrawn until it is signed): kept in the register as it
        is, offered back at the next start, or withdrawn first when it changed nothing; an
        open case taken from the register stays there (asked first while it is screened:
        quitting cuts it short); a signed case is asked about when the register does not
        hold it signed. An open case
        begun in the window leaves the register at Quit, so it is asked about as New case
        asks (:meth:`_may_drop`) unless the last report written holds it as it is now: every
        cell, review, threshold and fact, its screening not running. Keep for later or
        Discard during a screening lets the window close, which stops it: the case keeps the
        cells screened so far. Not while a box of the case form holds text the case refused.
        """
        self._window.case_panel.refused_box()  # a box still being typed in is checked now
        question = self._quit_question()
        return question is None or question()

    @property
    def quit_asks(self) -> bool:
        """True when Quit would ask first: the window holds what nothing else keeps."""
        return self._quit_question() is not None

    def _quit_question(self) -> Callable[[], bool] | None:
        """What Quit asks now, answering True when the window may close (None: nothing)."""
        batch, autosave = self._case.batch, self._window.autosave
        if not len(batch) or self._window.past_case.shown is not None:
            return None
        if self._case.signed:
            unsaved = self._saving.unsaved(batch.case.uid)
            return partial(self._may_leave_signed, "Quit") if unsaved else None
        if self._window.case_panel.holds_refused:  # kept or not, the case goes without it
            return lambda: not self._window.case_flow.refuse_for_refused_fact("quitting")
        if batch.case.amending:
            return self._may_leave_amending
        if autosave.took(batch.case.uid):  # it stays in the register, as last saved
            if not autosave.keeps_work:
                return partial(self._leaves_unsaved, "Quit")
            return self._may_stop_screening if self._controller.screening else None
        if self._controller.screening or batch.changed_since_export:
            return partial(self._may_drop, "Quit")
        return None

    def _may_stop_screening(self) -> bool:
        """True once the technician agrees that Quit cuts short the screening of a case taken
        from the register (it stays there, marked partial)."""
        return case_dialogs.ask_stop_screening(
            self._window, self._case.case.name,
            lambda: (self._case.batch.counts.classified, self._controller.screening),
            self._changes())

    def mark_window(self, *_: object) -> None:
        """Mark the window modified (its title's ``[*]``) while Quit would ask first."""
        self._window.setWindowModified(self.quit_asks)

    def _may_leave_amending(self) -> bool:
        """True once the technician agrees to quit during the amendment: while autosave keeps
        it as it is, to keep it (offered back at the next start) or withdraw it first (when it
        changed nothing, as File > Withdraw the amendment); else to quit without it (Export…
        begins its PDF instead). A PDF showing it as it is now keeps what changed on paper,
        not in the register, so the question stays, naming that PDF in place of the export."""
        if self._window.autosave.keeps_work:
            return self._may_keep_amending()
        return self._leaves(case_dialogs.ask_drop_amendment(
            self._window, "Quit", self._case.case.name, self._reports.pdf_time()))

    def _may_keep_amending(self) -> bool:
        """True once the technician chooses to keep the amendment in the register, or to
        withdraw it and quit: the case signed again is then asked about as any signed case
        the register does not hold signed yet (:meth:`_may_leave_signed`)."""
        amending = self._window.case_flow.amending
        answer = dialogs.ask_quit_amending(
            self._window, self._case.case.name, amending.withdrawable,
            lambda: (self._case.batch.counts.classified, self._controller.screening),
            self._changes())
        if answer == dialogs.WITHDRAW:
            return amending.withdraw_amendment() and self._may_leave_signed("Quit")
        return answer == dialogs.KEEP

    def _leaves_unsaved(self, doing: str) -> bool:
        """True once the technician agrees to ``doing`` while the register refuses the latest
        changes of the case taken from it; Export… begins its export instead."""
        answer = case_dialogs.ask_drop_changes(self._window, doing, self._case.case.name)
        if answer == dialogs.EXPORT:
            self._window.exports.start()
        return answer == dialogs.DISCARD

    def _may_drop(self, doing: str) -> bool:
        """True once the technician agrees that the open, unsigned case leaves the window for
        ``doing``: kept in the register to be finished later (offered while the register
        keeps the window's work), or discarded from it; Export… begins its export instead."""
        autosave = self._window.autosave
        if autosave.took(self._case.batch.case.uid) and not autosave.keeps_work:
            return self._leaves_unsaved(doing)  # it stays in the register, as last saved
        answer = case_dialogs.ask_drop_case(
            self._window, doing, self._case.case.name, self._holds, keep=autosave.keeps_work,
            taken=autosave.took(self._case.batch.case.uid), unkept=self._why_not_kept(),
            changed=self._changes())
        if answer == dialogs.KEEP:
            autosave.keep()
        elif answer == dialogs.EXPORT:
            self._window.exports.start()
        return answer in (dialogs.KEEP, dialogs.DISCARD)

    def _why_not_kept(self) -> str:
        """Why the case cannot be kept for later now: autosave is off, or the register
        refuses the window's saves ('' when it can be kept)."""
        autosave = self._window.autosave
        if autosave.keeps_work:
            return ""
        if autosave.register is None:
            reason = autosave.start.reason
            return f"autosave is off ({reason})" if reason else "autosave is off"
        return f"the case register refuses the window's saves ({autosave.writes.refusal.cause})"

    def _holds(self) -> case_dialogs.CaseHolds:
        """What the open case holds now: its cells, its reviews, whether being screened."""
        counts = self._case.batch.counts
        return counts.classified, counts.reviewed, self._controller.screening

    def _changes(self) -> tuple[Event, SignalInstance]:
        """What changes :meth:`_holds`: the batch, and the screening's end."""
        return self._case.batch.events.changed, self._controller.idle

    def _may_leave_signed(self, doing: str) -> bool:
        """True when the signed case is not one signed here and unsaved (a past case on show,
        one seen saved), or autosave saves it next (in order, none failing since); else once
        the technician agrees to leave it unsaved (Export… begins its PDF instead)."""
        uid = self._case.batch.case.uid
        if not self._saving.unsaved(uid):
            return True
        return self._leaves(case_dialogs.ask_drop_signed(self._window, doing,
                                                         self._case.case.name,
                                                         self._saving.kept(uid)))

    def _leaves(self, answer: str) -> bool:
        """True for Discard; Export… begins the case's PDF (and the case stays)."""
        if answer == dialogs.EXPORT:
            self._reports.start_pdf()
        return answer == dialogs.DISCARD
