"""The adaptation's progress dialog: the time left it gives, timed on a clock the test sets;
Cancel against the writing of the model."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from PySide6.QtWidgets import QPushButton, QWidget

from malariascope.gui import adapt_progress
from malariascope.gui.adapt_progress import AdaptationCancelled, AdaptProgress

TOTAL = 77
FIRST_STEP_S = 12.5  # the first fit carries the set-up: twice a step's time
STEP_S = 6.25  # the 76 others: 8 minutes in all


def test_the_time_left_waits_for_steady_steps_and_keeps_to_their_pace(qtbot, monkeypatch):
    """At step 1 of 77 the dialog said 'About 16 minutes left' of a run taking 8: the pace
    of the first step alone, which carries the set-up."""
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(adapt_progress, "time", SimpleNamespace(monotonic=lambda: clock.now))
    parent = QWidget()
    qtbot.addWidget(parent)
    progress = AdaptProgress(parent)
    said = {}
    for done in range(TOTAL + 1):
        clock.now = done and FIRST_STEP_S + (done - 1) * STEP_S
        progress.report("measuring", done, TOTAL)
        said[done] = progress.bar.labelText()
    assert all("left" not in said[done] for done in (0, 1, 2))
    assert said[3].endswith("step 3 of 77\nAbout 8 minutes left")
    assert said[40].endswith("\nAbout 4 minutes left")
    assert said[TOTAL - 5].endswith("\nLess than a minute left")
    progress.close()


def _in_worker(progress: AdaptProgress, stage: str) -> list[Exception]:
    """Report ``stage`` from a thread of its own, as the adaptation's worker does; returns
    what the report raised."""
    raised: list[Exception] = []

    def report() -> None:
        try:
            progress.report(stage, 0, 0)
        except AdaptationCancelled as exc:
            raised.append(exc)

    thread = threading.Thread(target=report)
    thread.start()
    thread.join()
    return raised


def _dialog(parent: QWidget) -> tuple[AdaptProgress, QPushButton]:
    progress = AdaptProgress(parent)
    progress.bar.show()
    cancel = next(button for button in progress.bar.findChildren(QPushButton)
                  if button.text() == "Cancel")
    return progress, cancel


def test_a_cancel_pressed_as_the_writing_begins_is_refused_and_the_dialog_says_so(qtbot):
    """Pressed after the worker began writing the model but before the dialog showed it,
    Cancel closed the dialog, and the model was written all the same."""
    parent = QWidget()
    qtbot.addWidget(parent)
    progress, cancel = _dialog(parent)
    assert not _in_worker(progress, "writing")
    cancel.click()  # the dialog has not yet been told of the writing
    assert not progress.bar.wasCanceled() and progress.bar.isVisible()
    qtbot.waitUntil(lambda: not cancel.isEnabled())  # the writing reaches the dialog
    assert "can no longer be cancelled" in progress.bar.labelText()
    progress.close()


def test_a_cancel_pressed_before_the_writing_stops_it(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    progress, cancel = _dialog(parent)
    cancel.click()
    assert progress.bar.wasCanceled() and not progress.bar.isVisible()
    assert _in_worker(progress, "writing")  # raised: the model is not written
    progress.close()


def test_closing_the_dialog_while_the_model_is_written_is_refused_as_cancel_is(qtbot):
    """Its title-bar close button (or Alt+F4) hid the dialog while the model was written,
    though Cancel was refused: the technician was left thinking it had stopped."""
    parent = QWidget()
    qtbot.addWidget(parent)
    progress, cancel = _dialog(parent)
    assert not _in_worker(progress, "writing")
    qtbot.waitUntil(lambda: not cancel.isEnabled())
    assert not progress.bar.close()  # as the window system asks it to close
    assert progress.bar.isVisible() and not progress.bar.wasCanceled()
    assert "can no longer be cancelled" in progress.bar.labelText()
    progress.close()


def test_closing_the_dialog_before_the_writing_cancels(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    progress, _ = _dialog(parent)
    progress.bar.close()
    assert progress.bar.wasCanceled() and not progress.bar.isVisible()
    assert _in_worker(progress, "writing")  # raised: the model is not written
    progress.close()
