"""The thresholds of a case's result that did not record them, saved before results kept them
(register schema 20): the threshold of its calls is its case's rule's, and the model card's
is known when a card at hand is the card of the model the case records, known by its name and
sha256 as a batch's facts are. Else it stays unknown, and nothing is said of it.

The bundled card's threshold is the one the bundled model file has always had: each card that
changed its threshold came with a model file of its own, so the file's sha256 pins it.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from malariascope.core.classifier import CallRule
    from malariascope.core.parasitemia import CaseResult


def known_thresholds(result: CaseResult, rule: CallRule | None, model: str, sha256: str,
                     card_threshold: float | None = None) -> CaseResult:
    """``result`` with the thresholds it does not record as its case knows them: the one of
    ``rule``, which made its calls, and ``card_threshold`` (that of the card of the model
    loaded, when it called them), else the bundled card's when the case's ``model`` and
    ``sha256`` are the bundled model's."""
    threshold, card = result.threshold, result.model_threshold
    if threshold is None and rule is not None:
        threshold = rule.threshold
    if card is None:
        card = card_threshold if card_threshold is not None else bundled_threshold(model,
                                                                                   sha256)
    return replace(result, threshold=threshold, model_threshold=card)


def bundled_threshold(model: str, sha256: str) -> float | None:
    """The bundled card's threshold when ``model`` and ``sha256`` name its model (run by any
    backend); None for another model, or when the card cannot be read."""
    from malariascope.core.errors import ModelError
    from malariascope.core.modelfiles import models_dir

    try:
        folder = models_dir()
    except ModelError:  # told where the model is loaded, as a damaged card is
        return None
    identities, threshold = _bundled(folder)
    return threshold if (model, sha256) in identities else None


@functools.cache
def _bundled(folder: Path) -> tuple[frozenset[tuple[str, str]], float | None]:
    from malariascope.core.classifier import card_identities
    from malariascope.core.errors import MalariaScopeError
    from malariascope.core.modelcard import load_card

    try:
        card = load_card(folder)
    except MalariaScopeError:  # a damaged card is told where the model is loaded
        return frozenset(), None
    return card_identities(card), card.threshold
