"""What every cell of a batch shares: the model that called it, by which rule, on which sample.

One frozen type for the window's batch, its export snapshot, the autosaved session and the CSV
report; a change makes a new value with :func:`dataclasses.replace`, so a copy handed to a
worker never changes under it. Standard library only at import: the window holds one before
numpy loads.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from malariascope.core.jsonfields import build, number, optional, several, text

if TYPE_CHECKING:  # core.classifier pulls in numpy
    from malariascope.core.classifier import CallRule, Classifier
    from malariascope.core.modelcard import ModelCard


@dataclass(frozen=True)
class BatchFacts:
    """Who screened what, with which model and call rule."""

    model: str = ""  # the model's name and version, as the report shows it
    model_sha256: str = ""
    sample_id: str = ""
    operator: str = ""
    rule: CallRule | None = None  # threshold and uncertain band as last set; None: no model yet
    # the threshold of the card of the model that called the cells, where "Model default"
    # goes; None while that card is not known (another model's says nothing of these cells)
    default_threshold: float | None = None
    sources: tuple[str, ...] = ()  # names of the files and folders the batch was opened from

    @classmethod
    def of(cls, classifier: Classifier, **changes: object) -> BatchFacts:
        """The facts of a batch ``classifier`` screens (its card's rule), with ``changes``."""
        return replace(cls(classifier.model_name, classifier.backend.model_sha256,
                           rule=classifier.rule, default_threshold=classifier.rule.threshold),
                       **changes)

    def card_of(self, classifier: Classifier | None) -> ModelCard | None:
        """``classifier``'s card when its model called these cells, else None: a card's
        figures (its healthy cells, its limits) measure only its own model's calls."""
        if classifier is None or classifier.model_name != self.model:
            return None
        return classifier.card

    def for_model(self, name: str, sha256: str, rule: CallRule, holding_cells: bool,
                  also: Collection[tuple[str, str]] = ()) -> BatchFacts:
        """These facts with a model loaded: its name, hash and card's rule (default threshold);
        facts holding cells that a known model called keep it and their rule, and so do
        facts of that same model (its card's threshold then their default)."""
        known_as = [(name, sha256), *also]  # ``also``: other records of this model
        same = (self.model, self.model_sha256) in known_as
        if same or (holding_cells and self.model_sha256):
            return self.with_card(known_as, rule)
        kept = self.rule if holding_cells and self.rule is not None else rule
        return replace(self, model=name, model_sha256=sha256, rule=kept,
                       default_threshold=rule.threshold)

    def with_card(self, identities: Collection[tuple[str, str]], rule: CallRule) -> BatchFacts:
        """These facts with the default threshold of the card whose ``rule`` it is, when its
        model (known by one of ``identities``: name and sha256) called their cells; else as
        they are."""
        if (self.model, self.model_sha256) not in identities:
            return self
        return replace(self, default_threshold=rule.threshold)

    def other_model(self, classifier: Classifier) -> str:
        """Why ``classifier`` may not add cells to the cells of these facts ("" when it may:
        it called them, or the model that did is not known): a case is called by one model.
        An adapted model's sha256 is its card's, so it differs from its base's and from any
        other adaptation of it, though all run the same network."""
        if not self.model_sha256 or (self.model, self.model_sha256) in classifier.identities:
            return ""
        return (f"The cells of this case were called by {self.model or 'another model'}; the "
                f"model loaded now is {classifier.model_name}. A case's cells are all called "
                "by one model: start a new case for these images.")

    def to_dict(self) -> dict[str, object]:
        return {"model": self.model, "model_sha256": self.model_sha256,
                "sample_id": self.sample_id, "operator": self.operator,
                "rule": None if self.rule is None else self.rule.to_dict(),
                "default_threshold": self.default_threshold, "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: object) -> BatchFacts:
        """Facts from :meth:`to_dict`'s object; ValueError names a bad or unknown field."""
        return build(cls, data, _FIELDS, "BatchFacts")


def _rule(value: object, name: str) -> CallRule:
    from malariascope.core.classifier import CallRule

    return CallRule.from_dict(value, name)


_FIELDS = {"model": text, "model_sha256": text, "sample_id": text, "operator": text,
           "rule": optional(_rule), "default_threshold": optional(number), "sources": several(text)}
