"""A batch frozen for a worker: the export writes the report of what the window showed then.

Cheap to make (the results themselves are shared, never copied) and never changed after:
reviews made while the report is written are not in it, and the batch knows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from malariascope.core.case import CaseFacts, ReviewDecision, current_reviews
from malariascope.core.facts import BatchFacts
from malariascope.core.rescreened import superseded

if TYPE_CHECKING:  # numpy, imported by the pipeline, loads after the first paint
    from malariascope.core.pipeline import ScreeningResult


@dataclass(frozen=True)
class BatchSnapshot:
    """The batch as it was when export started; builds the core's report rows."""

    results: list[ScreeningResult]
    reviews: dict[int, ReviewDecision]  # row -> its standing review
    history: tuple[ReviewDecision, ...]  # every decision, for the audit
    facts: BatchFacts
    number: int  # the batch's ``number`` and ``edits`` when the copy was made
    edits: int
    case: CaseFacts  # the slide's: its target, patient, red cell count, stain and lab

    def rows(self) -> Iterator[dict[str, str]]:
        """One report row per result, with its review; a file screened again after it could
        not be read has the rows of its last screening only."""
        from malariascope.core.report import report_row

        gone = superseded(self.results)
        for row, result in enumerate(self.results):
            if row not in gone:
                yield report_row(result, self.facts, self.reviews.get(row))


def standing(history: Iterable[ReviewDecision]) -> dict[int, ReviewDecision]:
    """Row -> the last decision on it, rows whose review was taken back left out."""
    return {row: decision for row, decision in current_reviews(list(history)).items()
            if decision.pressed}
