"""The window's batch as a session, as a save of its case takes it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.names import with_sources
from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController

if TYPE_CHECKING:
    from malariascope.core.session import Session


def session_now(batch: Batch, controller: ScreeningController) -> Session:
    """``batch`` as it is now (cheap: the rows themselves are shared, not copied; the case is
    copied, as the window may sign or amend it while the copy is written); the images still
    waiting to be screened make it cut short, and are named among its sources: a case of
    the register keeps its sources, not its inputs."""
    from malariascope.core.session import Session

    snapshot = batch.snapshot()
    extent = controller.extent_now()
    complete = not extent.cut_short
    facts = snapshot.facts
    facts = replace(facts, sources=with_sources(facts.sources, map(Path, extent.rest)))
    return Session(snapshot.results, facts, list(snapshot.history),
                   unsaved=batch.unsaved, complete=complete,
                   case=replace(batch.case), extent=extent)
