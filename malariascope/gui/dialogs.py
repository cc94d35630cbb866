"""The app's messages and questions; file choosers are in :mod:`.file_dialogs`, the About
and data folder boxes in :mod:`.info_boxes`.

Messages open window-modal without blocking the event loop, so workers keep reporting while
one is shown. Each box's words wrap, a slide id or a path without a space among them too
(:func:`breakable`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6 import QtGui
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QWidget,
)

from malariascope.core.words import counted
from malariascope.gui.events import Event

Button = QMessageBox.StandardButton
DISCARD, EXPORT, CANCEL, KEEP = "discard", "export", "cancel", "keep"  # of ask_export_first
RESTORE, SCREEN_REST = "restore", "screen the rest"  # of ask_restore, with DISCARD
WITHDRAW = "withdraw"  # of ask_quit_amending, with KEEP and CANCEL
_LETTERED = {Button.Cancel: "&Cancel", Button.Close: "&Close"}  # see _escape_to
#: The most characters a box's words hold with no place to break a line, which Qt finds at a
#: space and after a "/": a third of a box's width or so, longer than a file name off a
#: microscope (45 characters).
LONGEST_RUN = 48
ZERO_WIDTH_SPACE = "\u200b"
_UNBROKEN = rf"[^\s{ZERO_WIDTH_SPACE}/]"
_LONG_RUN = re.compile(rf"{_UNBROKEN}{{{LONGEST_RUN}}}(?={_UNBROKEN})")


def breakable(text: str) -> str:
    """``text`` with a zero-width space after every :data:`LONGEST_RUN` characters that hold
    no place to break a line, so a label wraps a long slide id (or a Windows path) at the
    box's edge: a word wider than the box runs off it, unread. Rich text (the About box) is
    left as it is: its tags hold no long words."""
    if QtGui.Qt.mightBeRichText(text):  # the namespace as QtGui extends it
        return text
    return _LONG_RUN.sub(lambda run: run.group() + ZERO_WIDTH_SPACE, text)


def message(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """Show ``text`` window-modal, without blocking; the box deletes itself when closed."""
    box = QMessageBox(icon, title, breakable(text), Button.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _remedy(chosen: bool) -> str:
    """What makes screening possible again: another model for one the technician chose,
    a reinstall for the bundled one."""
    if chosen:
        return ("Choose Model > Use the bundled model, or another model folder, to screen "
                "again")
    return "Nothing can be screened until MalariaScope is reinstalled"


def model_not_loaded(parent: QWidget, reason: str, chosen: bool) -> QMessageBox:
    """Why the model (``chosen`` in the Model menu, else the bundled one) did not load, and
    what still works without it."""
    return message(parent, QMessageBox.Icon.Critical, "Model not loaded",
                   f"{reason}\n\n{_remedy(chosen)}; cells already in the window can still be "
                   "reviewed and exported.")


def cannot_screen(parent: QWidget, model_error: str, chosen: bool) -> QMessageBox:
    """Screening refused for want of a model; the batch on show stays."""
    return message(parent, QMessageBox.Icon.Critical, "Cannot screen",
                   f"{model_error}.\n\n{_remedy(chosen)}; the cells in the window stay, and "
                   "can still be reviewed and exported.")


def open_choice(box: QMessageBox, default: QAbstractButton,
                finished: Callable[[QAbstractButton | None], object]) -> QMessageBox:
    """Open ``box`` window-modal without blocking; ``finished(button clicked or None)``."""
    box.setText(breakable(box.text()))
    box.setDefaultButton(default)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda *_: finished(box.clickedButton()))
    box.open()
    return box


def ask_restore(parent: QWidget, text: str, answered: Callable[[str], None],
                resumable: bool = False, discardable: bool = True) -> QMessageBox:
    """Offer back the work of a session that did not close: ``answered`` gets
    :data:`RESTORE`, :data:`DISCARD` (only when ``discardable``) or, for a ``resumable``
    batch whose screening was cut short, :data:`SCREEN_REST` (restore, then screen the files
    not done; the default).

    Only a click on Discard drops the work; Escape or closing the box restores it.
    """
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work?", text,
                      Button.NoButton, parent)
    answers: dict[QAbstractButton, str] = {}
    if discardable:
        answers[box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)] = DISCARD
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    default = restore
    if resumable:
        default = box.addButton("Restore and &screen the rest",
                                QMessageBox.ButtonRole.AcceptRole)
        answers[default] = SCREEN_REST
    box.setEscapeButton(restore)
    return open_choice(box, default, lambda clicked: answered(answers.get(clicked, RESTORE)))


def export_failed(parent: QWidget, reason: str, retry: Callable[[], None],
                  what: str = "report", earlier: bool = False,
                  kept: str = "") -> QMessageBox:
    """Say why the report (``what`` it is) was not written, and offer to choose another
    location; ``earlier``: a file of that name was there before, and is kept whole;
    ``kept``: what is kept, said in place of the batch (the register's own words)."""
    if not kept:
        words = f", and the earlier {what} of that name is as it was" if earlier else ""
        kept = f"The batch is still here{words}."
    text = f"The {what} was not written.\n\n{reason}\n\n{kept}"
    box = QMessageBox(QMessageBox.Icon.Critical, "Export failed", text, Button.Close, parent)
    again = box.addButton("Choose &another location…", QMessageBox.ButtonRole.AcceptRole)
    _escape_to(box, Button.Close)
    return open_choice(box, again, lambda clicked: clicked is again and retry())


def ask_review_first(parent: QWidget, title: str, text: str, anyway: str,
                     review: Callable[[], None], go: Callable[[], None]) -> QMessageBox:
    """``text`` with Review them (``review``), ``anyway`` (``go``) and Cancel (Escape), which
    does nothing; Review them is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, Button.Cancel, parent)
    show = box.addButton("&Review them", QMessageBox.ButtonRole.AcceptRole)
    go_button = box.addButton(anyway, QMessageBox.ButtonRole.DestructiveRole)
    _escape_to(box, Button.Cancel)
    actions = {show: review, go_button: go}
    return open_choice(box, show, lambda clicked: clicked in actions and actions[clicked]())


def _escape_to(box: QMessageBox, standard: Button) -> None:
    """Let Escape and Alt+C press the ``standard`` button of ``box``, Cancel or Close: the
    platform's own has no letter, while the box's other buttons each have one."""
    button = box.button(standard)
    button.setText(_LETTERED[standard])
    box.setEscapeButton(button)


def ask_export_without_sample_id(parent: QWidget, enter: Callable[[], None],
                                 export: Callable[[], None]) -> QMessageBox:
    """Before an export, say that the batch has no sample id: Enter it (``enter``), Export
    anyway (``export``), or Cancel (Escape), which does nothing."""
    text = ("The report will not say which slide these cells are from: the Slide id box is "
            "empty.")
    box = QMessageBox(QMessageBox.Icon.Warning, "No slide id", text, Button.Cancel, parent)
    fill = box.addButton("&Enter slide id", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Export &anyway", QMessageBox.ButtonRole.DestructiveRole)
    _escape_to(box, Button.Cancel)
    actions = {fill: enter, anyway: export}
    return open_choice(box, fill, lambda clicked: clicked in actions and actions[clicked]())


def ask_export_first(parent: QWidget, title: str, text: str | Callable[[], str],
                     keep: str = "", export: bool = True, discard: bool = True,
                     changed: Sequence[SignalInstance | Event] = ()) -> str:
    """Ask before something is lost: :data:`EXPORT` the report first (unless not ``export``),
    :data:`DISCARD` and go ahead (unless not ``discard``), or :data:`CANCEL` (Escape); a
    ``keep`` button, when named, answers :data:`KEEP`. Cancel is the default: Enter or Space,
    even pressed for what came before the question, leaves everything as it was. Blocks: a
    quit waits for the answer. A ``text`` given as a function is read again whenever one of
    ``changed`` fires, so the question says what is lost when it is answered."""
    words = text if callable(text) else lambda: text
    box = QMessageBox(QMessageBox.Icon.Warning, title, words(), Button.NoButton, parent)
    answers: dict[QAbstractButton, str] = {}
    if keep:
        answers[box.addButton(keep, QMessageBox.ButtonRole.AcceptRole)] = KEEP
    if export:
        answers[box.addButton("&Export…", QMessageBox.ButtonRole.AcceptRole)] = EXPORT
    if discard:
        answers[box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)] = DISCARD
    add_cancel_default(box)
    exec_following(box, words, changed)
    return answers.get(box.clickedButton(), CANCEL)


def ask_quit_amending(parent: QWidget, name: str, withdrawable: bool,
                      now: Callable[[], tuple[int, bool]],
                      changed: Sequence[SignalInstance | Event] = ()) -> str:
    """Ask before Quit leaves case ``name`` amended, its signed result withdrawn until the
    amendment is signed: :data:`KEEP` it amended in the register, offered back at the next
    start; :data:`WITHDRAW` the amendment first (offered only when ``withdrawable``: it
    changed nothing), the case signed again as it was; or :data:`CANCEL`, the default (Enter
    and Escape): the window stays. ``now`` gives its cells and whether it is still being
    screened (quitting stops that), read again whenever one of ``changed`` fires."""
    def words() -> str:
        cells, screening = now()
        text = (f"Quit? Case {name} is being amended: its signed result is withdrawn until "
                "the amendment is signed. ")
        if screening:
            text += f"It {quit_stops_screening(cells)} Keep amending later leaves it there, "
        else:
            text += "Keep amending later leaves it in the case register, open, "
        text += "offered back at the next start to be finished."
        if withdrawable:
            text += (" The amendment changed nothing: withdrawn, the case is signed again as "
                     "it was.")
        elif screening:
            text += " While it is being screened, the amendment cannot be withdrawn or signed."
        else:
            text += (" The amendment changed the case, so it cannot be withdrawn; sign it "
                     "(File > Sign the result…) to give the case a signed result now.")
        return text

    box = QMessageBox(QMessageBox.Icon.Warning, "Quit", words(), Button.NoButton, parent)
    answers: dict[QAbstractButton, str] = {}
    if withdrawable:
        answers[box.addButton("&Withdraw the amendment and quit",
                              QMessageBox.ButtonRole.DestructiveRole)] = WITHDRAW
    answers[box.addButton("&Keep amending later", QMessageBox.ButtonRole.AcceptRole)] = KEEP
    add_cancel_default(box)
    exec_following(box, words, changed)
    return answers.get(box.clickedButton(), CANCEL)


def quit_stops_screening(cells: int) -> str:
    """What every question Quit asks during a screening says of the case, ``cells`` screened
    so far, after its name: quitting stops the screening, and what it keeps."""
    return (f"is still being screened: quitting stops it. The case stays in the case "
            f"register, open, with the {counted(cells, 'cell')} screened so far, marked "
            "partial.")


def exec_following(box: QMessageBox, words: Callable[[], str],
                   changed: Sequence[SignalInstance | Event]) -> None:
    """Show ``box`` until answered, its text ``words()`` again whenever one of ``changed``
    fires: what the question says holds when it is answered."""
    def reword(*_: object) -> None:
        box.setText(breakable(words()))

    reword()
    for signal in changed:
        signal.connect(reword)
    try:
        box.exec()
    finally:
        for signal in changed:
            signal.disconnect(reword)
        box.deleteLater()  # after the caller has read the answer; else the window keeps it


def add_cancel_default(box: QMessageBox) -> None:
    """Give ``box`` a Cancel button that both Escape and Enter press: a question that can
    cut work short or let a case go is answered only by a choice made on purpose."""
    cancel = box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(cancel)
    box.setDefaultButton(cancel)


def ok_cancel(dialog: QDialog, ok_text: str,
              accepted: Callable[[], None]) -> tuple[QDialogButtonBox, QPushButton]:
    """A form's buttons: OK worded ``ok_text``, which calls ``accepted``, and Cancel, which
    rejects ``dialog``; returns the box and its OK button, for the form to enable."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok_button.setText(ok_text)
    buttons.accepted.connect(accepted)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button
