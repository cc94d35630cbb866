"""The window's batch as a session, as a save of its case takes it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController

if TYPE_CHECKING:
    from malariascope.core.session import Session


def session_now(batch: Batch, controller: ScreeningController) -> Session:
    """``batch`` as it is now (cheap: the rows themselves are shared, not copied; the case is
    copied, as the window may sign or amend it while the copy is written); the images still
    waiting to be screened make it cut short."""
    from malariascope.core.session import Session

    snapshot = batch.snapshot()
    extent = controller.extent_now()
    complete = not extent.cut_short
    return Session(snapshot.results, snapshot.facts, list(snapshot.history),
                   unsaved=batch.unsaved, complete=complete,
                   case=replace(batch.case), extent=extent)
