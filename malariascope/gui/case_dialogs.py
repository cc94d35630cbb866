"""The questions around a case: a new case over unsigned work, signing with flagged cells
unreviewed, the signature itself, and an amendment's reason.

Like ``gui.dialogs``, they open window-modal without blocking the event loop and call back
with the answer; the dialogs keep their fields as attributes, so tests fill them in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from malariascope.core.case import LINE_MAX
from malariascope.core.clock import utc_minute, utc_now
from malariascope.core.words import counted
from malariascope.gui.dialogs import (
    add_cancel_default,
    ask_export_first,
    ask_review_first,
    exec_following,
    quit_stops_screening,
)
from malariascope.gui.events import Event

KEEP_FOR_LATER = "&Keep for later"
CaseHolds = tuple[int, int, bool]  # an open case's cells, reviews, and whether being screened


def ask_drop_case(parent: QWidget, doing: str, name: str, now: Callable[[], CaseHolds],
                  keep: bool = False, taken: bool = False, unkept: str = "",
                  changed: Sequence[SignalInstance | Event] = ()) -> str:
    """Ask before ``doing`` drops the open, unsigned case ``name``: export its report first,
    discard it, or cancel (:func:`ask_export_first`); with ``keep`` (the register keeps the
    window's work), keep it in the register to finish later first; else ``unkept`` says why
    not. A case ``taken`` from the register stays there: it is kept, never discarded.
    ``now`` gives what the case holds (cells, reviews, whether it is being screened), read
    again whenever one of ``changed`` fires: a screening goes on behind the question."""
    def words() -> str:
        return _drop_case_words(doing, name, *now(), keep=keep, taken=taken, unkept=unkept)

    return ask_export_first(parent, doing, words, keep=KEEP_FOR_LATER if keep else "",
                            discard=not (keep and taken), changed=changed)


def _drop_case_words(doing: str, name: str, cells: int, reviewed: int, screening: bool,
                     keep: bool, taken: bool, unkept: str) -> str:
    """The question of :func:`ask_drop_case` about a case of ``cells`` cells and ``reviewed``
    reviews; while it is ``screening``, it says that any answer but Cancel stops it."""
    case = f"{doing}? The open case {name} is not signed"
    if screening:
        case += (f" and is still being screened ({counted(cells, 'cell')} so far): any answer "
                 "but Cancel stops the screening")
    held = ("its cells (more as the screening goes on)" if screening else
            f"its {counted(cells, 'cell')}") + f" and {counted(reviewed, 'review')}"
    lost = f"{held} leave the window and the register"
    if keep and taken:
        return (f"{case}. It was opened from the case register: Keep for later leaves it "
                f"there, open, with {held}; File > Case register… opens it again to finish it.")
    if not keep:
        why = f" Keep for later is not offered: {unkept}." if unkept else ""
        return f"{case}: {lost} (sign it first to keep its result, or export its report).{why}"
    return (f"{case}. Keep for later leaves it in the case register, open, to be finished from "
            f"File > Case register…; discarded, {lost}.")


def ask_stop_screening(parent: QWidget, name: str, now: Callable[[], tuple[int, bool]],
                       changed: Sequence[SignalInstance | Event] = ()) -> bool:
    """Ask before Quit stops the screening of case ``name``, taken from the register: True
    for Keep for later (it stays there, open, with its cells so far, marked partial), False
    for Cancel (Escape, and the default: Enter leaves it screening). ``now`` gives its cells
    and whether it is still being screened, read again whenever one of ``changed`` fires."""
    def words() -> str:
        cells, screening = now()
        if not screening:
            return (f"Quit? The screening of case {name} has ended: the case stays in the case "
                    f"register, open, with its {counted(cells, 'cell')}.")
        return (f"Quit? Case {name} {quit_stops_screening(cells)} To screen the rest, open "
                "it from File > Case register… and open its images again (the cells it holds "
                "are left out).")

    box = QMessageBox(QMessageBox.Icon.Question, "Quit", words(),
                      QMessageBox.StandardButton.NoButton, parent)
    keep = box.addButton(KEEP_FOR_LATER, QMessageBox.ButtonRole.AcceptRole)
    add_cancel_default(box)
    exec_following(box, words, changed)
    return box.clickedButton() is keep


def ask_sign_unreviewed(parent: QWidget, count: int, unsure: int, review: Callable[[], None],
                        sign: Callable[[], None]) -> QMessageBox:
    """Before signing, say that ``count`` flagged cells have no review, ``unsure`` of them
    marked unsure (they wait for a second reader): Review them, Sign anyway (the signature
    records how many), or Cancel (Escape)."""
    them = "call for it" if count == 1 else "calls for them"
    text = (f"{_waiting_words(count, unsure)}. The result counts the model's {them}, and "
            f"the signature will record that {count:,} {'was' if count == 1 else 'were'} "
            "not reviewed.")
    return ask_review_first(parent, "Flagged cells not reviewed", text, "&Sign anyway", review,
                            sign)


def _waiting_words(count: int, unsure: int) -> str:
    """Which of ``count`` flagged cells have no review: nobody's call yet, or ``unsure``."""
    fresh = count - unsure
    nobody = (f"{counted(fresh, 'flagged cell')} (called parasitized or uncertain by the "
              f"model) {'is' if fresh == 1 else 'are'} not reviewed")
    waits = f"wait{'s' if unsure == 1 else ''} for a second reader"
    if not unsure:
        return nobody
    if not fresh:
        return (f"{counted(unsure, 'flagged cell')} marked unsure {waits}: "
                f"{'it is' if unsure == 1 else 'they are'} not reviewed")
    return f"{nobody}, and {unsure:,} more marked unsure {waits}"


def ask_drop_signed(parent: QWidget, doing: str, name: str, kept: str) -> str:
    """Ask before ``doing`` drops a signed case the register does not hold signed (``kept``:
    what it holds, see ``CaseSaving.kept``): export its PDF first, discard it, or cancel
    (:func:`ask_export_first`)."""
    return ask_export_first(
        parent, doing, f"{doing}? Signed case {name} is not saved as signed in the case "
        f"register, which {kept}. Export its PDF first to keep the signed result.")


def ask_drop_amendment(parent: QWidget, doing: str, name: str, written: str = "") -> str:
    """Ask before ``doing`` leaves an amendment the register does not keep as it is now:
    export its PDF first, discard it, or cancel (:func:`ask_export_first`). A PDF that shows
    it as it is now, ``written`` at that time, is named instead, and no export is offered."""
    lost = (f"{doing}? The amendment of case {name} is not kept in the case register as "
            "it is now, nor offered back at the next start: the register keeps the case open "
            "as last saved, its signed result withdrawn.")
    if written:
        return ask_export_first(parent, doing, f"{lost} Its PDF, written at {written}, shows "
                                f"the amendment as it is now; {doing.lower()} anyway?",
                                export=False)
    return ask_export_first(parent, doing, f"{lost} Export its PDF first to keep what was "
                            "changed.")


def ask_drop_changes(parent: QWidget, doing: str, name: str) -> str:
    """Ask before ``doing`` leaves an open case whose latest changes the register refuses:
    export its report first, discard them, or cancel (:func:`ask_export_first`)."""
    return ask_export_first(
        parent, doing, f"{doing}? Case {name} stays in the case register, open, as last "
        "saved, but the register refuses its latest changes just now: they may be lost. "
        "Export its report first to keep them.")


class _Form(QDialog):
    """A small window-modal form with OK (named ``accept_text``) and Cancel; OK is enabled
    while every line in ``required`` holds text. Enter in a box presses no button: the form
    says instead what is missing, or how to reach OK (:attr:`how`)."""

    def __init__(self, parent: QWidget, title: str, intro: str, accept_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(self.form)
        self.how = QLabel(self._how_to_accept())  # in bold once Enter is pressed in a box
        self.how.setWordWrap(True)
        layout.addWidget(self.how)
        layout.addWidget(self.buttons)
        self.required: list[QLineEdit | QPlainTextEdit] = []

    def _check(self) -> None:
        self.ok.setEnabled(all(_text(edit) for edit in self.required))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Return and Enter press the button that has the keys; typed in a box they press
        nothing, as no button is the default, and the form says how to go on."""
        focused = self.focusWidget()
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
        elif isinstance(focused, QPushButton) and focused in self.buttons.buttons():
            focused.click()
        elif isinstance(focused, QLineEdit):
            self._say_how()

    def _how_to_accept(self) -> str:
        accept = self.ok.text().replace("&", "")
        return f"Enter in a box does not {accept.lower()}: Tab to {accept}, then press Enter."

    def _say_how(self) -> None:
        """Give the keys to the first required box left empty and name it, or, the form
        filled in, say again how OK is pressed from the keyboard; in bold, and the form
        grows to keep its words whole."""
        empty = next((edit for edit in self.required if not _text(edit)), None)
        said = self._how_to_accept()
        if empty is not None:
            said = f"{self.form.labelForField(empty).text()} is empty. {said}"
            empty.setFocus()
        self.how.setText(f"<b>{escape(said)}</b>")
        height = self.layout().totalHeightForWidth(self.width())
        if height > self.height():
            self.resize(self.width(), height)


def _text(edit: QLineEdit | QPlainTextEdit) -> str:
    return (edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()).strip()


class SignDialog(_Form):
    """The signature: the signer's name (the microscopist's to begin with) and the time."""

    def __init__(self, parent: QWidget, sample_id: str, name: str,
                 shortfalls: Sequence[str], unwritable: str = "") -> None:
        said = ("\n\nThe signed result says so:\n" + "\n".join(f"• {line}" for line in shortfalls)
                if shortfalls else " Every cell was screened and every flagged cell reviewed.")
        if unwritable:  # the reason the register takes no file now (``CaseSaving.unwritable``)
            said += (f"\n\nThe register cannot be written now ({unwritable}): the signature "
                     "is not recorded there until it can be. Export the PDF to keep it.")
        super().__init__(parent, "Sign the result",
                         f"Signing makes the result of slide {sample_id} final and read-only; "
                         f"a later change is an amendment with its reason.{said}", "Sign")
        self.name = QLineEdit(name)
        self.name.setMaxLength(LINE_MAX)
        self.form.addRow("Signed by", self.name)
        self.time = QLabel(utc_minute(utc_now()))  # as the signature is printed
        self.form.addRow("Time", self.time)
        clock = QTimer(self, interval=1000)  # the signature takes the time Sign is clicked
        clock.timeout.connect(lambda: self.time.setText(utc_minute(utc_now())))
        clock.start()
        self.required = [self.name]
        self.name.textChanged.connect(self._check)
        self._check()


class AmendDialog(_Form):
    """Why a signed result is changed, and who changes it."""

    def __init__(self, parent: QWidget, sample_id: str, name: str) -> None:
        super().__init__(parent, "Amend the signed result",
                         f"Slide {sample_id} opens again for changes; the signed version is "
                         "kept with the reason, and the case is signed again when done.",
                         "Amend")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)  # Tab goes on to the name, as in every form
        self.reason.setPlaceholderText("e.g. a second reader reviewed the uncertain cells")
        self.name = QLineEdit(name)
        self.name.setMaxLength(LINE_MAX)
        self.form.addRow("Reason", self.reason)
        self.form.addRow("Amended by", self.name)
        self.required = [self.reason, self.name]
        for edit in (self.name, self.reason):
            edit.textChanged.connect(self._check)
        self._check()


def open_form(dialog: _Form, accepted: Callable[[], object]) -> _Form:
    """Show ``dialog`` window-modal without blocking, its first box to fill in taking the
    keys, so what is typed goes there; ``accepted()`` when OK is clicked (or pressed with
    the keyboard: Tab to it, then Space or Enter). No button is the default: one Enter in a
    box never signs, and says so."""
    dialog.accepted.connect(accepted)
    dialog.open()
    order = [*dialog.required, dialog.ok, dialog.cancel]  # Tab from the last box reaches OK,
    for before, after in itertools.pairwise(order):  # wherever the platform puts Cancel
        QWidget.setTabOrder(before, after)
    for button in dialog.buttons.buttons():  # after the box made OK its default on show
        button.setAutoDefault(False)
        button.setDefault(False)
    if dialog.required:
        dialog.required[0].setFocus()
    return dialog
