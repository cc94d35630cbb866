"""The window's status bar: the latest message, the long work's progress, the model loaded
(and that the case on show is not its own, when another model called it), whether the batch
looks unlike the cells that model learned from or holds images it learned from in adaptation,
and a lasting mark on a batch whose screening was cut short.

It listens to the controller and its batch's facts only; the progress and its Cancel button
show while something cancellable runs. The lasting marks are short, their figures in their
tooltips, so the message keeps the room to be read whole: it says why a screening stopped or
an action was refused, and a message longer than the room left wraps onto more lines
(``MessageLabel``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from malariascope.core.names import source_name
from malariascope.core.words import counted
from malariascope.gui.autosave_start import AGAIN_MS
from malariascope.gui.controller import ScreeningController
from malariascope.gui.learned_mark import LearnedMark
from malariascope.gui.message_label import MessageLabel
from malariascope.gui.text_colour import ALERT, CAUTION, colour_text

if TYPE_CHECKING:
    from malariascope.core.adapt.unlike import Unlikeness
    from malariascope.core.register import Register

NOTE_MS = 15_000  # how long a message stays


class TaskStatus(QWidget):
    """A progress bar (busy indicator while the total is unknown) and a Cancel button."""

    def __init__(self, controller: ScreeningController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.progress = QProgressBar()
        self.progress.setMinimumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop now; an image cut short is not screened (Esc)")
        # A click must not take the keys: hidden as the work ends, the button would pass
        # them down the window to the threshold box, and the next arrow would move it.
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(controller.cancel)
        controller.progress.connect(self._on_progress)
        controller.idle.connect(self._on_idle)
        self.hide()

    def _on_progress(self, text: str, done: int, total: int) -> None:
        if self.controller.stopping:  # the bar stays where it was, never busy: that hides text
            done, total = max(self.progress.value(), 0), max(self.progress.maximum(), 1)
        self.progress.setRange(0, total)  # total 0: a busy indicator
        self.progress.setValue(done)
        self.progress.setFormat(text)
        self.progress.setToolTip(text)
        self.cancel_button.setEnabled(not self.controller.stopping)
        self.show()

    def _on_idle(self) -> None:
        if not (self.controller.screening or self.controller.exporting):
            self.hide()


class StatusBar(QStatusBar):
    """Messages of the controller (and of :meth:`note`), :class:`TaskStatus` and the model."""

    try_autosave = Signal()  # Try now: autosave on, or the save refused, tried at once

    def __init__(self, controller: ScreeningController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.message_label = MessageLabel()
        self.addWidget(self.message_label, 1)
        self._fade = QTimer(self, singleShot=True)
        self._fade.timeout.connect(self.clearMessage)
        self._noted: set[str] = set()  # the messages shown once only (see note_once)
        self.task_status = TaskStatus(controller)
        self.model_label = QLabel("Loading model…")
        self.unlike_label = QLabel()  # shown after a batch that looks unlike the model's cells
        colour_text(self.unlike_label, CAUTION, "font-weight: bold")
        self.unlike_label.hide()
        self.learned_mark = LearnedMark(controller)  # images the model learned from
        self.partial_label = QLabel()
        self.partial_label.hide()
        self.autosave_label = QLabel("<b>Autosave off</b>")  # the work is not kept: lasting
        self._save_refused = False  # the label marks a save the register refused
        colour_text(self.autosave_label, ALERT)
        self.autosave_label.hide()
        self.autosave_label.linkActivated.connect(lambda _: self.try_autosave.emit())
        self.addPermanentWidget(self.autosave_label)
        self.addPermanentWidget(self.partial_label)
        self.addPermanentWidget(self.task_status)
        self.addPermanentWidget(self.unlike_label)
        self.addPermanentWidget(self.learned_mark)
        self.addPermanentWidget(self.model_label)
        controller.idle.connect(self._show_partial)
        controller.progress.connect(self._show_partial)
        controller.message.connect(self.note)
        controller.model_ready.connect(self._on_model_ready)
        controller.batch.events.facts_changed.connect(self._show_model)  # another case on show
        controller.model_failed.connect(self._on_model_failed)
        controller.progress.connect(lambda *_: self.unlike_label.hide())
        controller.unlike.changed.connect(self._show_unlike)
        controller.idle.connect(self._show_unlike)  # back once an export ends

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        """Show ``text`` until the next message, or for ``timeout`` ms when given."""
        self.message_label.set_message(text)
        if timeout:
            self._fade.start(timeout)
        else:
            self._fade.stop()

    def currentMessage(self) -> str:  # noqa: N802 (Qt's name)
        return self.message_label.message()

    def clearMessage(self) -> None:  # noqa: N802 (Qt's name)
        self.showMessage("")

    def note(self, text: str) -> None:
        """Show ``text`` for a while."""
        self.showMessage(text, NOTE_MS)

    def note_once(self, text: str) -> None:
        """Show ``text`` for a while, unless it was shown before."""
        if text not in self._noted:
            self._noted.add(text)
            self.note(text)

    def tell_news(self, register: Register | None) -> None:
        """Note what ``register`` did of itself since last asked (its WAL deleted and its
        writes kept in its file), when anything. Asked after each autosave, whose register
        is the one a window keeps open to write (what its other writes found waits for the
        next autosave): a window without autosave opens one for each save, which sees a WAL
        deleted during that save alone."""
        news = "" if register is None else register.news()
        if news:
            self.note(news)

    def take_notes(self, said: SignalInstance, withdrawn: SignalInstance) -> None:
        """Show each message ``said`` emits as a :meth:`note`, cleared as soon as
        ``withdrawn`` emits it while it is still on show."""
        said.connect(self.note)
        withdrawn.connect(self.withdraw)

    def withdraw(self, text: str) -> None:
        """Clear ``text`` if it is the message on show: it no longer holds. A later message
        stays."""
        if text and self.currentMessage() == text:
            self.clearMessage()

    def autosave_off(self, reason: str, again: bool = False) -> None:
        """Mark, while it holds, that the window's work is not autosaved, and why; ``again``:
        it is tried again (the mark then offers to try at once)."""
        self._mark_autosave("Autosave off", f"Autosave is off: {reason}. Unsigned work in "
                            "this window is lost if it stops unexpectedly", again, AGAIN_MS)
        self.note(f"Autosave is off: {reason}")

    def autosave_refused(self, cause: str, again_ms: int) -> None:
        """Mark, until a save goes through (:meth:`autosave_saved`), that the register
        refused the last save for ``cause`` ("database or disk is full"); it is tried again
        every ``again_ms``, or at once on Try now."""
        self._mark_autosave("Autosave failed", "Autosave failed: the case register refused "
                            f"the last save ({cause}). The work saved before is kept; changes "
                            "since are lost if the window stops unexpectedly", True, again_ms)
        self._save_refused = True

    def autosave_saved(self) -> None:
        """A save reached the register: the mark of a refused save goes."""
        if self._save_refused:
            self._save_refused = False
            self.autosave_label.hide()

    def _mark_autosave(self, mark: str, why: str, again: bool, again_ms: int) -> None:
        """Show ``mark`` (and Try now when tried ``again``) until taken down; its tooltip
        says ``why`` and what to do."""
        tries = (f" MalariaScope tries again every {again_ms // 1000} s, or click Try now."
                 if again else "")
        self.autosave_label.setText(f"<b>{mark}</b>" + (
            ' <a href="try">Try now</a>' if again else ""))
        self.autosave_label.setToolTip(f"{why}; export or sign to keep it.{tries}")
        self.autosave_label.show()

    def autosave_on(self) -> None:
        """Autosave came on while the window worked: the mark goes, and a note says so."""
        self._save_refused = False
        self.autosave_label.hide()
        self.note("Autosave is on again: this window's work is saved to the case register")

    def _show_partial(self, *_: object) -> None:
        """Mark the batch partial while it lacks images it was opened with."""
        controller = self.controller
        partial = not (controller.complete or controller.screening) and len(controller.batch)
        if partial:
            left = controller.not_screened()
            files = ("Some image files were" if left is None else
                     f"{left:,} image file{' was' if left == 1 else 's were'}")
            self.partial_label.setText("<b>Partial batch</b>" + (
                "" if left is None else f": {left:,} not screened"))
            rest = ", ".join(source_name(Path(name)) for name in controller.extent.rest)
            self.partial_label.setToolTip(
                f"{files} not screened{f' (in {rest})' if rest else ''}: the batch holds only "
                "the images screened by then, and a report says so")
        self.partial_label.setVisible(bool(partial))

    def _on_model_ready(self, name: str) -> None:
        self._show_model()
        self.note(f"Model ready: {name} (loaded in {self.controller.model_seconds:.1f} s)")

    def _show_model(self) -> None:
        """Name the model loaded, and say so when the case on show was called by another
        (the cell panel names that one): the loaded model screens only the next case."""
        classifier, facts = self.controller.classifier, self.controller.batch.facts
        if classifier is None:
            return
        name = classifier.model_name
        if facts.model_sha256 and (facts.model, facts.model_sha256) not in classifier.identities:
            self.model_label.setText(f"Model loaded: {name} (not this case's)")
            self.model_label.setToolTip(
                f"This case was called by {facts.model}. The model loaded, {name}, screens "
                "the next case; this case keeps its own model and threshold.")
        else:
            self.model_label.setText(f"Model: {name}")
            self.model_label.setToolTip(f"{name} screens the images opened in this case")

    def _show_unlike(self) -> None:
        """Mark a batch whose healthy cells score far from the model's, or many of whose cells
        are uncertain: the mark says so and what to do, its tooltip the figures."""
        unlike = self.controller.unlike.current()
        self.unlike_label.setVisible(unlike is not None and unlike.warn)
        if unlike is not None and unlike.warn:
            text, tip = unlike_words(unlike)
            self.unlike_label.setText(text)
            self.unlike_label.setToolTip(tip)

    def _on_model_failed(self, reason: str) -> None:
        self.model_label.setText("No model")
        self.showMessage(reason)


def unlike_words(unlike: Unlikeness) -> tuple[str, str]:
    """The mark of a batch unlike the model's cells, and its tooltip (rich text, which wraps):
    what was measured, in words, and what the technician can do about it."""
    from malariascope.core.adapt.unlike import SHIFT_LIMIT, shift_words

    uncertain = f"{100 * unlike.uncertain_fraction:.0f} %"
    said = []
    if unlike.shifted:
        said.append(f"This batch's healthy cells score {shift_words(unlike.shift)}, over "
                    f"{counted(unlike.fields, 'field')} (the mark shows beyond "
                    f"{SHIFT_LIMIT:.1f}).")
    if unlike.too_uncertain:
        said.append(f"{uncertain} of this batch's cells are uncertain (the mark shows beyond "
                    f"{100 * unlike.uncertain_limit:.0f} %).")
    todo = ("Another stain, camera or microscope makes cells look unlike those the model "
            "learned from, and its calls less accurate than its card says. Review the calls "
            "with care; check the stain and focus of the smear, or adapt the model to this "
            "lab's cells (Model > Adapt to this lab…).")
    text = "⚠ Cells unlike the model's" if unlike.shifted else f"⚠ {uncertain} of cells uncertain"
    return f"{text}: check stain or adapt", f"<p>{' '.join(said)}</p><p>{todo}</p>"  # wraps
