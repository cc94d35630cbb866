"""The case the window holds: the slide whose cells the batch is, its facts and its sign-off.

Qt-free, like the batch it sits beside. The slide id and the microscopist are the batch's own
facts (the CSV report and autosave carry them), copied into the case whenever they change, so
there is one place to type them and the case never disagrees with the report.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace

from malariascope.core.case import Amendment, Case, CaseFacts, SignedVersion
from malariascope.core.casefacts import check_typed
from malariascope.core.errors import CaseError
from malariascope.core.extent import Extent
from malariascope.core.parasitemia import CaseResult
from malariascope.core.thresholds import known_thresholds
from malariascope.gui.batch import Batch

KEPT_FOR_NEXT = ("lab", "site", "stain", "operator", "target_cells")  # the lab's, not the slide's


class OpenCase:
    """The window's case: ``batch.case``, with what the batch knows of it kept in step."""

    def __init__(self, batch: Batch, unlike: Callable[[], str]) -> None:
        self.batch = batch
        self._unlike = unlike  # the words of the limit when the cells look unlike the model's
        batch.events.facts_changed.connect(self._on_batch_facts)
        self._on_batch_facts()

    @property
    def case(self) -> Case:
        return self.batch.case

    @property
    def signed(self) -> bool:
        return self.case.signed is not None

    def result(self) -> CaseResult:
        """The slide's result: the signed one once signed, else that of the cells now, with
        the model card's threshold where a card at hand is known to be it (one signed before
        results kept it: ``core.thresholds``)."""
        case = self.case
        result = case.signed.result if case.signed is not None else case.result(
            self.batch.counts, self._unlike())
        return known_thresholds(result, case.rule, case.model, case.model_sha256,
                                self.batch.facts.default_threshold)

    def update(self, **facts: object) -> None:
        """Change facts of the case (:class:`CaseFacts` names); CaseError says what is wrong.
        The slide id and the microscopist go through the batch."""
        batch_facts = {name: facts.pop(name) for name in ("sample_id", "operator")
                       if name in facts}
        before = (self.case.facts, self.batch.facts)
        self.batch.update_case(**facts)
        if "sample_id" in batch_facts:
            self.batch.set_sample_id(str(batch_facts["sample_id"]))
        if "operator" in batch_facts:
            self.batch.set_operator(str(batch_facts["operator"]))
        if (self.case.facts, self.batch.facts) != before:  # a box applied again changes nothing
            self.batch.events.facts_changed.emit()

    def type_in(self, **facts: object) -> None:
        """:meth:`update` with facts typed in the form now, whose text :func:`check_typed`
        refuses first with a direction control in it (a restored value may hold one)."""
        check_typed(facts)
        self.update(**facts)

    def new(self) -> None:
        """Start a new case with no cells and no model yet: the lab's facts (its name, site,
        stain, microscopist, target) carry over, the slide's are cleared. The model that
        screens it gives its name and its card's rule (``Batch.set_model``): a threshold
        moved for a slide is no setting of the lab's."""
        kept = {name: getattr(self.case.facts, name) for name in KEPT_FOR_NEXT}
        self.batch.case = Case(CaseFacts(**kept))
        self.batch.set_sample_id("")
        self.batch.clear()
        self.batch.forget_model()
        self.batch.events.facts_changed.emit()

    def sign(self, name: str) -> SignedVersion:
        """Sign the result as it is now as ``name``; CaseError when it cannot be signed."""
        self._take_batch_facts()
        signed = self.case.sign(name, self.batch.counts, unlike=self._unlike(),
                                model_threshold=self.batch.facts.default_threshold)
        self.batch.events.facts_changed.emit()
        return signed

    def amend(self, reason: str, by: str, extent: Extent) -> Amendment:
        """Open the signed case again, with the ``reason``; the signed version is kept, and
        the amendment notes what its screening covers, ``extent``."""
        amendment = self.case.amend(reason, by, decisions=len(self.batch.history),
                                    extent=extent)
        self.batch.events.facts_changed.emit()
        return amendment

    def amendment_changes(self, extent: Extent) -> list[str]:
        """What changed since the open amendment opened (its screening covers ``extent``), in
        words; empty when it may be withdrawn."""
        return self.case.amendment_changes(self.result(), len(self.batch.history), extent)

    def withdraw_amendment(self, extent: Extent) -> SignedVersion:
        """Sign the case again as the version its open amendment replaced, as nothing
        changed since it opened (its screening covers ``extent``); CaseError says what
        changed otherwise."""
        signed = self.case.withdraw_amendment(self.result(), len(self.batch.history), extent)
        self.batch.events.facts_changed.emit()
        return signed

    def _take_batch_facts(self) -> None:
        """Copy into the open case what the batch holds of it: the model, the call rule, the
        sources, the slide id and the microscopist."""
        facts = self.batch.facts
        case = self.case
        case.facts = replace(case.facts, sample_id=facts.sample_id, operator=facts.operator)
        case.model, case.model_sha256 = facts.model, facts.model_sha256
        case.rule, case.sources = facts.rule, facts.sources

    def _on_batch_facts(self) -> None:
        if self.case.signed is None:
            # a name the case refuses (too long, a control character) is told at signing
            with contextlib.suppress(CaseError):
                self._take_batch_facts()
