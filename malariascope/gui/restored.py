"""A batch restored after a crash: the question that offers it back, what is said when the
register or the work left cannot be used, and the window as the technician left it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope.core.clock import local_time
from malariascope.core.errors import RegisterTooNewError
from malariascope.core.rescreened import superseded
from malariascope.core.tally import Counts
from malariascope.gui import dialogs
from malariascope.gui.batch import Batch
from malariascope.gui.results_view import ResultsView

if TYPE_CHECKING:
    from malariascope.core.register.opening import OpenedWork
    from malariascope.core.session import Session


def tell_unusable(window: QWidget, opened: OpenedWork) -> None:
    """Say, in a box over ``window``, what of the register ``opened`` found unusable and
    set aside: the register itself, or the work a run left behind (each kept as it is)."""
    if opened.set_aside is not None:
        words = str(opened.set_aside)
        dialogs.message(window, QMessageBox.Icon.Warning, "Case register set aside",
                        f"{words[:1].upper()}{words[1:]}.\n\nNothing in it was changed: it is "
                        "kept for recovery. A new, empty case register was started.")
    elif opened.unreadable is not None:
        dialogs.message(window, QMessageBox.Icon.Warning, "Unsaved work not restored",
                        "The work autosaved before MalariaScope last stopped could not be read "
                        f"back: {opened.unreadable}.\n\nIt is kept as it is, for a bug report, "
                        "and will not be offered again.")


def tell_too_new(window: QWidget, exc: Exception) -> None:
    """Say, in a box over ``window``, that the register is a newer MalariaScope's and kept
    as it is, when ``exc`` says so: the window then records no case, which the status bar's
    mark alone leaves easy to miss."""
    if isinstance(exc, RegisterTooNewError):
        words = str(exc)
        dialogs.message(window, QMessageBox.Icon.Warning, "Case register of a newer version",
                        f"{words[:1].upper()}{words[1:]}.\n\nUntil then, this window's work "
                        "is not autosaved and its cases are not recorded in the register; "
                        "reports can still be exported.")


def describe(session: Session, kept: bool = False) -> str:
    """The question put to the technician about a session left by a crash, or by a quit
    during an amendment; a case ``kept`` in the register (taken from it) stays there, so the
    question offers no discard."""
    when = local_time(session.saved_at)
    when = when if when == "earlier" else f"at {when}"
    sample_id, case = session.facts.sample_id, session.case
    named = (f" of slide {sample_id}" if sample_id
             else f" of the case {case.name}" if case is not None else "")
    left = ("MalariaScope closed while a signed case was being amended" if amending(session)
            else "MalariaScope stopped without closing")  # a quit keeps an amendment too
    text = (f"{left} {when}. Its batch{named} was saved: {cells_of(session)}, "
            f"{session.reviewed:,} reviewed.")
    if not session.complete:
        text += f"\n\nScreening had not reached the end: {not_screened(session)}"
        if session.extent.inputs:
            text += " The rest can be screened now, after the cells already here."
    if amending(session):
        return text + ("\n\nIt is a signed case being amended: its signed result is withdrawn "
                       "until it is signed again. Restore it to finish the amendment.")
    if kept:
        return text + "\n\nIt stays in the case register: restore it to go on with it here."
    return text + "\n\nRestore this work, or discard it for good?"


def not_screened(session: Session) -> str:
    """What a session cut short left unscreened, in words. An addition's files are counted
    when its search ends, so a batch can hold every file counted and still lack some."""
    extent = session.extent
    left = extent.not_screened(session.results)
    if not extent.files:
        words = "some images were not screened."
    elif not left:
        words = (f"the {extent.files:,} image files counted were all screened, but the images "
                 "opened last had not been counted, and some may not have been screened.")
    else:
        words = f"{left:,} of the {extent.files:,} image files found were not screened."
    return f"{words} A report of this batch says it is partial."


def amending(session: Session) -> bool:
    """True for the work of a signed case being amended: offered back, never discarded, as
    its signed result is withdrawn until it is signed again."""
    return session.case is not None and session.case.amending


def cells_of(session: Session) -> str:
    """The cells of a session and its rows without a call, as the window counts them."""
    gone = superseded(session.results)
    errors = sum(not result.ok for result in session.results) - len(gone)
    return Counts(rows=len(session.results) - len(gone), errors=errors).cells_text


def select_where_stopped(batch: Batch, table: ResultsView) -> None:
    """Put the cursor where the technician stopped: on the cell after the one reviewed last,
    as a review moves on (on that cell itself when its review was taken back, or was the
    last of the list). A batch without reviews keeps the first cell."""
    if not batch.history:
        return
    last = batch.history[-1]
    after = table.source_row_after(last.row) if last.pressed else None
    table.select_source_row(last.row if after is None else after)
    table.scroll_to_current()
