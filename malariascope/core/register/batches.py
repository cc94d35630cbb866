"""A case of the register as a window's batch: what a window restores to show it, finish it
or amend it."""

from __future__ import annotations

from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.register.stored import StoredCase
from malariascope.core.session import Session


def session_of(stored: StoredCase, default_threshold: float | None = None, *,
               complete: bool | None = None, unsaved: bool = False, saved_at: str = "",
               extent: Extent | None = None) -> Session:
    """A case from the register as a window's batch, with the threshold of the card of the
    model that called it when known (the register keeps the rule the calls were made with,
    not the card's: a window that has the card loaded knows it, see ``BatchFacts.with_card``).

    ``complete`` None takes the register's word: the batch is cut short when the case is
    known to be, so its report says so, and an amendment saves it cut short still. Without
    an ``extent`` (a window's own), the batch has what the register keeps of it: its inputs,
    so the rest can be screened, and the image files found, so its report says how many it
    lacks.
    """
    if complete is None:
        complete = stored.screening_complete is not False
    if extent is None:
        extent = stored.extent
    case = stored.case
    facts = BatchFacts(case.model, case.model_sha256, case.facts.sample_id, case.facts.operator,
                       case.rule, default_threshold, case.sources)
    return Session(stored.cells, facts, stored.reviews, unsaved=unsaved, complete=complete,
                   saved_at=saved_at, case=case, extent=extent)
