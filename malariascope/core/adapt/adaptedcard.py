"""The values only an adapted model's card holds, checked as every card value is.

``adapted`` holds the adaptation's facts (base model, cells, held-out figures, seal). ``blend``,
in a model adapted on whole fields, holds what its field cells are also scored by: the base
model's head, temperature and healthy cells' log-odds (see ``core.fields.blend``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from malariascope.core.adapt.learned import read_learned
from malariascope.core.adapt.loading import ADAPTED
from malariascope.core.cardvalues import CardValues
from malariascope.core.logodds import uncertain_band

BLEND = "blend"  #: the card key of the base model's head that field cells are blended with
#: How far an adapted card's band may lie from the one its threshold gives: float noise only.
BAND_TOLERANCE = 1e-6


def adapted_name(name: str) -> str:
    """The name of a model adapted from the network called ``name``."""
    return f"{name}-adapted"


def adapted_names(base_name: str) -> tuple[str, ...]:
    """The names adapting the model called ``base_name`` gives: it marked adapted, or, for an
    adapted model (whose name is so marked), the same (its network's marked adapted)."""
    return (adapted_name(base_name),
            *([base_name] if base_name.endswith(adapted_name("")) else []))


def version_stem(base_version: str, date: str) -> str:
    """What an adapted model's version starts with: its base model's version ('0' for none)
    and the ISO ``date`` it was adapted; 8 hex digits of its fitted values follow."""
    return f"{base_version or '0'}+{date.replace('-', '')}."


@dataclass(frozen=True)
class FieldBlend:
    """The base model as an adapted card keeps it to score field cells with both heads."""

    weights: tuple[float, ...]  #: the base head's weights on the pooled features
    bias: float
    temperature: float
    healthy: tuple[float, float]  #: the base's healthy log-odds (median, MAD)

    def logits(self, features: np.ndarray) -> np.ndarray:
        """The base head's logits of pooled features ``(N, D)``."""
        return np.asarray(features, np.float64) @ np.asarray(self.weights) + self.bias

    def to_dict(self) -> dict:
        return {"head": {"weights": [float(w) for w in self.weights], "bias": float(self.bias)},
                "temperature": float(self.temperature),
                "healthy_log_odds": {"median": self.healthy[0], "mad": self.healthy[1]}}


def read_blend(card: CardValues, head_size: int, healthy: tuple[float, float] | None
               ) -> FieldBlend | None:
    """The card's :class:`FieldBlend`, each value checked; None when it has none.

    Parameters
    ----------
    card
        The card's values.
    head_size
        The number of the card's own head weights: both heads read the same features.
    healthy
        The card's own healthy log-odds, the unit the base model's ranks are put in.

    Returns
    -------
    FieldBlend | None
    """
    values = card.member(BLEND, required=False)
    if values is None:
        return None
    head, reference = values.member("head"), values.member("healthy_log_odds")
    weights = head.reals("weights")
    blend = FieldBlend(weights, head.real("bias"), values.real("temperature"),
                       (reference.real("median"), reference.real("mad")))
    card.check(len(weights) == head_size, f"{BLEND}.head.weights",
               f"{head_size} numbers, as the card's own head", list(weights))
    values.check(0 < blend.temperature < math.inf, "temperature", "above 0", blend.temperature)
    values.check(0 < blend.healthy[1], "healthy_log_odds.mad", "above 0", blend.healthy[1])
    card.check(healthy is not None, "healthy_log_odds",
               f"present beside {BLEND} (its unit)", healthy)
    card.check(ADAPTED in card.data, BLEND, "in an adapted card only", BLEND)
    return blend


def read_adapted(card: CardValues) -> dict | None:
    """The card's ``adapted`` facts (they name the base model), or None for a model that was
    not adapted. Adapting derives the card's uncertain band from its threshold, so a band
    that is not that one was edited (and sealed again) by hand."""
    values = card.member(ADAPTED, required=False)
    if values is None:
        return None
    threshold, band = card.real("threshold"), card.reals("uncertain_band", length=2)
    low, high = uncertain_band(threshold)
    derived = abs(band[0] - low) <= BAND_TOLERANCE and abs(band[1] - high) <= BAND_TOLERANCE
    card.check(derived or not 0 < threshold < 1,  # the card's own check names that threshold
               "uncertain_band", f"[{low:.4f}, {high:.4f}], the band its threshold "
               f"{threshold:.4f} gives", list(band))
    base = values.data.get("base_model")
    values.check(isinstance(base, dict), "base_model", "the base model's facts", base)
    limit = values.real("uncertain_limit", None)  # cards of an earlier MalariaScope lack it
    values.check(limit is None or 0 <= limit <= 1, "uncertain_limit", "a fraction from 0 to 1",
                 limit)
    read_learned(values)
    return values.data
