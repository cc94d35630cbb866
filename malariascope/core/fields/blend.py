"""Score a field's cells by both heads of a model adapted on whole fields.

A head refitted on a lab's fields and the base model (its field standardized) rank field cells
differently, and their mean ranks them better than either: on the 30 shared fields, one field
held out per fold, the found cells' AUC is 0.985 against 0.980 (adapted) and 0.978 (base),
their best balanced accuracy 0.957 against 0.932 and 0.926 (``benchmarks/adaptation_blend.py``).
Each rank is a log-odds' distance from its own healthy cells' median in their MADs, and the
mean is put back on the adapted head's scale, so its thresholds call it. Both heads read the
same pooled features: the blend is linear in them, and so is its Grad-CAM map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from malariascope.core.adapt.adaptedcard import FieldBlend
from malariascope.core.fields.standardize import field_scaling


@dataclass(frozen=True)
class BlendedField:
    """A field's blended log-odds and the weights of each head's log-odds in them."""

    log_odds: np.ndarray  #: (N,) on the adapted head's scale
    adapted_weight: float  #: of the adapted head's log-odds
    base_weight: float  #: of the base head's log-odds (after its temperature)


def blend_field(adapted: np.ndarray, base_logits: np.ndarray, unit: tuple[float, float],
                blend: FieldBlend, like: np.ndarray | None = None) -> BlendedField:
    """The blended log-odds of one field's cells.

    Parameters
    ----------
    adapted
        The cells' log-odds under the adapted head (its temperature applied).
    base_logits
        The same cells' logits under the base head (before its temperature).
    unit
        The adapted head's healthy log-odds (median, MAD): the scale of the result.
    blend
        The base model's head, temperature and healthy log-odds.
    like
        Base logits of the field's cells that standardize it (default: ``base_logits``), for
        cells cut from a field other than those found in it.

    Returns
    -------
    BlendedField
    """
    base = np.asarray(base_logits, np.float64) / blend.temperature
    field = base if like is None else np.asarray(like, np.float64) / blend.temperature
    own_median, factor = field_scaling(field, blend.healthy)
    median, spread = unit
    base_weight = spread * factor / blend.healthy[1] / 2
    values = (np.asarray(adapted, np.float64) + median) / 2 + base_weight * (base - own_median)
    return BlendedField(values, 0.5, base_weight)


def blended_maps(adapted_maps: np.ndarray, base_maps: np.ndarray, field: BlendedField,
                 temperatures: tuple[float, float]) -> np.ndarray:
    """Grad-CAM class maps of the blend: each head's map (of its logit) weighed as its
    log-odds is in ``field`` (``temperatures``: the adapted head's and the base's)."""
    adapted_t, base_t = temperatures
    return (adapted_maps * (field.adapted_weight / adapted_t)
            + base_maps * (field.base_weight / base_t)).astype(np.float32)
