"""The adaptation's progress dialog: the time left it gives, timed on a clock the test sets."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QWidget

from malariascope.gui import adapt_progress
from malariascope.gui.adapt_progress import AdaptProgress

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
