"""The batch being screened: results, review decisions, threshold and sample facts.

A plain Python object with no Qt, so it can be tested alone and the export reads its rows
from the same state the widgets show. Widgets subscribe to :attr:`Batch.events` (see
``gui.events``: the view gets the model and listens to it).

A review is a :class:`~malariascope.core.case.ReviewDecision`: what the reviewer pressed, who,
when, and the model's call on screen then; :attr:`Batch.history` keeps every decision in order
for the audit. Each row's call and final call at the current threshold, and its review, are
read by the base class :class:`~malariascope.gui.row_calls.RowCalls`; the counts
(``core.tally``, the counting the summary CSV uses) are kept up to date row by row by the base
class :class:`~malariascope.gui.row_counts.RowCounts`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

# core.case, core.facts and core.tally import only the standard library: fine before the paint
from malariascope.core.case import Case, ReviewDecision
from malariascope.core.clock import utc_now
from malariascope.core.facts import BatchFacts
from malariascope.core.names import shared_folder
from malariascope.core.tally import (
    CONFIRMED,
    OVERRIDDEN,
    PARASITIZED,
    UNINFECTED,
    UNSURE,
    Counts,
)
from malariascope.gui.events import BatchEvents
from malariascope.gui.row_counts import RowCounts
from malariascope.gui.snapshot import BatchSnapshot, standing

if TYPE_CHECKING:  # the rest of core pulls in numpy; the window paints before it is imported
    from malariascope.core.classifier import CallRule
    from malariascope.core.pipeline import ScreeningResult
    from malariascope.core.session import Session

__all__ = ["CONFIRMED", "OVERRIDDEN", "PARASITIZED", "UNINFECTED", "UNSURE", "Batch",
           "BatchSnapshot", "Counts"]
PRESSABLE = (PARASITIZED, UNINFECTED, UNSURE)


class Batch(RowCounts):
    """Screening results of one sample (the cells of :attr:`case`) with their reviews.

    Rows are indices into :attr:`results`, which only grows until :meth:`clear`. What the rows
    share (model, rule, sample id, operator, sources) is :attr:`facts`, replaced on each change.
    """

    def __init__(self) -> None:
        self.events = BatchEvents()
        self.results: list[ScreeningResult] = []
        self.facts = BatchFacts()
        self.case = Case()  # while it is signed, reviews, threshold and facts refuse edits
        self.unsaved = False  # reviews made since the last export
        self.number = 0  # counts the batches opened: a report says which one it holds
        self.edits = 0  # counts what a report shows: cells, reviews, threshold, facts
        self._exported_edits: int | None = None  # ``edits`` as the last report was written
        self.history: list[ReviewDecision] = []  # every review decision, in the order made
        self._reviews: dict[int, ReviewDecision] = {}  # row -> its standing decision
        self._reset_counts()
        self.folder: Path | None = None  # rows are named relative to it (``core.names``)

    # -- facts ---------------------------------------------------------------------------
    def set_model(self, name: str, sha256: str, rule: CallRule,
                  also: Collection[tuple[str, str]] = ()) -> None:
        """Take the classifier's identity (``also``: other records of it) and its card's call
        rule (the default threshold); a batch that holds cells (restored) keeps the model that
        called them and its rule."""
        self.facts = self.facts.for_model(name, sha256, rule, bool(self.results), also)
        self._recount()
        self.events.facts_changed.emit()
        self.events.relabelled.emit()
        self.events.changed.emit()

    def forget_model(self) -> None:
        """No model nor rule: an empty case waits for the model that will screen it."""
        self.facts = replace(self.facts, model="", model_sha256="", rule=None,
                             default_threshold=None)

    def set_sample_id(self, text: str) -> None:
        self.edit_facts(sample_id=text)

    def set_operator(self, text: str) -> None:
        self.edit_facts(operator=text)

    def edit_facts(self, **changes: object) -> None:  # BatchFacts fields; refused while signed
        facts = replace(self.facts, **changes)
        if facts != self.facts:
            self.case.check_open()
            self.facts = facts
            self.edits += 1
            self.events.facts_changed.emit()

    def update_case(self, **changes: object) -> None:
        """Change facts only the case holds (:class:`CaseFacts` names): a report's summary
        shows them, so one written before no longer shows the case as it is."""
        before = self.case.facts
        self.case.update(**changes)
        if self.case.facts != before:
            self.edits += 1

    # -- results -------------------------------------------------------------------------
    def clear(self, sources: tuple[str, ...] = (), folder: Path | None = None) -> None:
        """Start a new batch opened from ``sources`` (names of files and folders) in
        ``folder``; sample id and operator stay (the user edits them)."""
        self.results = []
        self.folder = folder
        self.facts = replace(self.facts, sources=sources)
        self.history = []
        self._reviews = {}
        self._reset_counts()
        self.unsaved = False
        self.number += 1
        self.edits += 1  # a report of the old batch is not this one's
        self.events.reset.emit()
        self.events.changed.emit()

    def extend(self, results: Iterable[ScreeningResult]) -> None:
        """Append results (from the screening worker, on the UI thread)."""
        new = list(results)
        if not new:
            return
        first = len(self.results)
        self.results.extend(new)
        self.edits += 1
        self._count_appended(first)
        self.events.appended.emit(first, len(self.results) - 1)
        self.events.changed.emit()

    def restore(self, session: Session) -> None:
        """Show a batch autosaved before a crash (``core.session``) in place of this one."""
        # the parents of files are folders, here or gone: the disk is not asked (a lost share
        # would keep the window waiting, and name the rows from the folder above)
        parents = dict.fromkeys(Path(os.path.abspath(result.path.parent))
                                for result in session.results)
        self.clear(folder=shared_folder(list(parents)))
        # a session without sources is named by its files
        self.facts = session.facts if session.facts.sources else replace(
            session.facts, sources=tuple(dict.fromkeys(r.path.name for r in session.results)))
        self.history = list(session.decisions)
        self._reviews = standing(self.history)
        self.unsaved = session.unsaved
        self.events.facts_changed.emit()
        self.events.relabelled.emit()
        self.extend(session.results)

    def name_from(self, folder: Path | None) -> None:
        """Name the rows relative to ``folder`` from now on (it widens as folders are added)."""
        if folder != self.folder:
            self.folder = folder
            self.events.renamed.emit()

    def __len__(self) -> int:
        return len(self.results)

    # -- threshold -----------------------------------------------------------------------
    def set_threshold(self, threshold: float) -> None:
        """Re-label every cell with a moved threshold; no inference runs again."""
        rule = self.facts.rule
        if rule is None or abs(threshold - rule.threshold) < 1e-9:
            return
        self.edit_facts(rule=rule.with_threshold(threshold))
        self._recount()
        self.events.relabelled.emit()
        self.events.changed.emit()

    # -- review --------------------------------------------------------------------------
    @property
    def reviewer(self) -> str:
        """Who the review decisions are recorded for: while an amendment is open, whoever
        opened it (the signed reviews were the operator's, the amendment's are not); else
        the operator, else the login name."""
        if self.case.amending:
            return self.case.amendments[-1].by
        return self.facts.operator or getpass.getuser() or "unknown"

    def set_review(self, row: int, pressed: str | None) -> bool:
        """Record what the technician pressed for ``row`` (a call, ``unsure``, or None to take
        the review back); False for an error row, which has no call to review."""
        return bool(self.set_reviews({row: pressed}))

    def confirm(self, row: int) -> bool:
        """Accept the model's call as the final call."""
        return self.results[row].ok and self.set_review(row, self.call(row))

    def set_reviews(self, pressed: Mapping[int, str | None]) -> dict[int, str | None]:
        """Record several presses as one change (rows without a call are left out); returns
        what each changed row had pressed before, which undoes the change when given back."""
        if any(value not in (*PRESSABLE, None) for value in pressed.values()):
            raise ValueError(f"unknown review in {set(pressed.values())!r}")
        self.case.check_open()
        before: dict[int, str | None] = {}
        at, reviewer = utc_now(), self.reviewer
        for row, value in pressed.items():
            if not self.results[row].ok:
                continue
            old = self._reviews.get(row)
            before[row] = old.pressed if old else None
            self._record(ReviewDecision(row, reviewer, at, self.call(row), value or "",
                                        value if value in (PARASITIZED, UNINFECTED)
                                        else self.call(row)))
        if before:
            self.unsaved = True
            self.edits += 1
            self.events.reviewed.emit(sorted(before))
            self.events.changed.emit()
        return before

    def _record(self, decision: ReviewDecision) -> None:
        self._count(decision.row, -1)
        self.history.append(decision)
        if decision.pressed:
            self._reviews[decision.row] = decision
        else:
            self._reviews.pop(decision.row, None)
        self._count(decision.row, +1)

    # -- export --------------------------------------------------------------------------
    def snapshot(self) -> BatchSnapshot:
        """A frozen copy for the export worker (cheap: the results themselves are shared)."""
        return BatchSnapshot(list(self.results), dict(self._reviews), tuple(self.history),
                             self.facts, self.number, self.edits, self.case.facts)

    def exported(self, snapshot: BatchSnapshot) -> bool:
        """The report of ``snapshot`` is written; True when this batch changed while it was, so
        the report lacks those changes. The reviews count as saved only if the report holds them
        all; a report of an earlier batch (a new one was opened since) says nothing of this one."""
        if snapshot.number != self.number:
            return False
        self._exported_edits = snapshot.edits
        if snapshot.reviews == self._reviews:
            self.unsaved = False
        return self.changed_since_export

    @property
    def changed_since_export(self) -> bool:
        """True when the last report written does not show the batch as it is now."""
        return self.edits != self._exported_edits
