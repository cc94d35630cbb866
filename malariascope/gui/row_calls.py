"""What a batch says of each row at the current threshold: the model's call, whether it is
uncertain or suspect, the review standing on it and the final call.

Read only: :class:`~malariascope.gui.batch.Batch` holds the results, facts and reviews these
read, and changes them. Whether a review ``confirmed`` or ``overrode`` the model is judged
against the call the technician saw when pressing (``core.tally.review_of``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# core.case, core.facts and core.tally import only the standard library: fine before the paint
from malariascope.core.case import ReviewDecision
from malariascope.core.facts import BatchFacts
from malariascope.core.tally import UNSURE, review_of

if TYPE_CHECKING:  # the pipeline pulls in numpy; the window paints before it is imported
    from malariascope.core.pipeline import ScreeningResult


class RowCalls:
    """The calls and reviews of a batch's rows, read from the state its subclass keeps."""

    results: list[ScreeningResult]
    facts: BatchFacts
    _reviews: dict[int, ReviewDecision]  # row -> its standing decision

    def call(self, row: int) -> str:
        """The model's call at the current threshold; empty for an error row."""
        result, rule = self.results[row], self.facts.rule
        p = result.probability
        return "" if p is None or rule is None else rule.call(p, result.in_field)

    def uncertain(self, row: int) -> bool:
        result, rule = self.results[row], self.facts.rule
        p = result.probability
        return p is not None and rule is not None and rule.uncertain(p, result.in_field)

    def suspect(self, row: int) -> bool:
        """Called parasitized or uncertain by the model (see ``CallRule.suspect``)."""
        result, rule = self.results[row], self.facts.rule
        p = result.probability
        return p is not None and rule is not None and rule.suspect(p, result.in_field)

    def decision(self, row: int) -> ReviewDecision | None:
        """The review standing on ``row`` (None: not reviewed, or the review was taken back)."""
        return self._reviews.get(row)

    def reviewed(self, row: int) -> bool:
        """True when a call was pressed for ``row``; ``unsure`` leaves it unreviewed."""
        decision = self._reviews.get(row)
        return decision is not None and decision.reviewed

    def unsure(self, row: int) -> bool:
        """True when ``row`` is marked unsure: unreviewed, waiting for a second reader."""
        decision = self._reviews.get(row)
        return decision is not None and decision.pressed == UNSURE

    def marked_unsure(self) -> list[int]:
        """The rows marked unsure, at any threshold: the mark, not the model, flags them."""
        return sorted(row for row in self._reviews if self.unsure(row))

    def final_call(self, row: int) -> str:
        """The reviewer's call, else the model's at the current threshold."""
        decision = self._reviews.get(row)
        return decision.pressed if decision and decision.reviewed else self.call(row)

    def first_unreviewed_uncertain(self) -> int | None:
        """The first row of an uncertain cell still without a final call (None: none left)."""
        return next((row for row in range(len(self.results))
                     if not self.reviewed(row) and self.uncertain(row)), None)

    def review(self, row: int) -> str:
        """``confirmed``, ``overridden``, ``unsure`` or empty (not reviewed): what the press did
        to the model's call on screen then, whatever the threshold is now."""
        decision = self._reviews.get(row)
        return review_of(decision.model_call, decision.pressed) if decision else ""
