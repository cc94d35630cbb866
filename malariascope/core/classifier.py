"""The classifier: preprocessed cells in, calibrated probabilities and class maps out.

It owns the model card's decision facts (temperature, threshold, uncertain band) so that every
caller labels cells the same way; the backend only does the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from malariascope.core.backends import Backend, open_backend
from malariascope.core.jsonfields import build, fixed, number, optional
from malariascope.core.logodds import from_log_odds, log_odds, uncertain_band
from malariascope.core.modelcard import ModelCard, load_card
from malariascope.core.tally import PARASITIZED, UNINFECTED
from malariascope.core.views import eight_views, turned_back


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Calibrated P(parasitized) by temperature scaling of the logits."""
    # exp(-log(1 + exp(-x))) is the logistic without overflow; plain numpy keeps SciPy (about
    # 30 MB) out of the app bundle
    return np.exp(-np.logaddexp(0.0, -np.asarray(logits, dtype=np.float64) / temperature))


@dataclass(frozen=True)
class CallRule:
    """How a probability becomes a call: a threshold and an uncertain band around it.

    Cells of whole fields are called at ``field_threshold`` when there is one: a field is
    mostly healthy cells, and the screening threshold's few percent of false calls would swamp
    its parasitemia. There, every cell the screening threshold would call parasitized but the
    field threshold does not stays uncertain, so nothing suspicious goes unreviewed.
    """

    threshold: float
    band: tuple[float, float]
    field_threshold: float | None = None

    def threshold_for(self, in_field: bool) -> float:
        """The threshold that calls a single cell, or a cell of a whole field."""
        return self.field_threshold if in_field and self.field_threshold is not None else (
            self.threshold)

    def call(self, probability: float, in_field: bool = False) -> str:
        return PARASITIZED if probability >= self.threshold_for(in_field) else UNINFECTED

    def uncertain(self, probability: float, in_field: bool = False) -> bool:
        low, high = self.field_band if in_field else self.band
        return low <= probability < high

    def suspect(self, probability: float, in_field: bool = False) -> bool:
        """Called parasitized, or uncertain: a cell whose Grad-CAM should show where a parasite
        may be. An amber field cell is called uninfected below the field threshold, and the
        uninfected class's map showed nothing that a reviewer looks for."""
        return (self.call(probability, in_field) == PARASITIZED
                or self.uncertain(probability, in_field))

    @cached_property
    def field_band(self) -> tuple[float, float]:
        """The uncertain band of field cells: from the screening threshold to the field
        threshold's own upper margin. Cached: counting a batch asks for it once per cell."""
        if self.field_threshold is None:
            return self.band
        margin = log_odds(self.band[1]) - log_odds(self.threshold)
        return self.threshold, from_log_odds(log_odds(self.field_threshold) + margin)

    def with_threshold(self, threshold: float) -> CallRule:
        """The same rule moved to ``threshold``; the band keeps its width in log-odds and the
        field threshold its distance."""
        centre, shift = log_odds(self.threshold), log_odds(threshold) - log_odds(self.threshold)
        low_margin, high_margin = centre - log_odds(self.band[0]), log_odds(self.band[1]) - centre
        field = (None if self.field_threshold is None
                 else from_log_odds(log_odds(self.field_threshold) + shift))
        return CallRule(threshold, uncertain_band(threshold, low_margin, high_margin), field)

    def to_dict(self) -> dict[str, object]:
        return {"threshold": self.threshold, "band": list(self.band),
                "field_threshold": self.field_threshold}

    @classmethod
    def from_dict(cls, data: object, name: str = "CallRule") -> CallRule:
        """A rule from :meth:`to_dict`'s object; ValueError names a bad or unknown field."""
        return build(cls, data, _RULE_FIELDS, name)


_RULE_FIELDS = {"threshold": number, "band": fixed(number, 2), "field_threshold": optional(number)}


@dataclass(frozen=True)
class Scores:
    """Per-cell outputs of one batch; with a card that blends field cells (``blend``), the
    logits of its head and of the base head, and the base head's class maps too."""

    probabilities: np.ndarray  # (N,) calibrated P(parasitized)
    class_maps: np.ndarray  # (N, h, w) Grad-CAM class maps before ReLU
    logits: np.ndarray | None = None  # (N,) before the temperature
    base_logits: np.ndarray | None = None  # (N,) the base head's, before its temperature
    base_maps: np.ndarray | None = None  # (N, h, w)

    @classmethod
    def concat(cls, parts: list[Scores]) -> Scores:
        """The scores of consecutive batches as one."""
        joined = [None if getattr(parts[0], name) is None
                  else np.concatenate([getattr(part, name) for part in parts])
                  for name in ("probabilities", "class_maps", "logits", "base_logits",
                               "base_maps")]
        return cls(*joined)


class Classifier:
    """Scores preprocessed cells with a backend, calibrated by the model card."""

    def __init__(self, backend: Backend, card: ModelCard) -> None:
        self.backend = backend
        self.card = card
        self.rule = CallRule(card.threshold, card.uncertain_band, card.field_threshold)

    @classmethod
    def open(cls, model: str | None = None, backend: str = "onnx") -> Classifier:
        """Load the card (bundled model by default), check the hash and open the backend."""
        card = load_card(model)
        return cls(open_backend(card, backend), card)

    @property
    def input_size(self) -> int:
        return self.card.input_size

    @property
    def model_name(self) -> str:
        return model_name(self.card, self.backend.name)

    @property
    def identity(self) -> tuple[str, str]:
        """The model's name and sha256 (``ModelCard.identity``), as a batch's facts keep them."""
        return self.model_name, self.backend.model_sha256

    @property
    def identities(self) -> tuple[tuple[str, str], ...]:
        """Every (name, sha256) the facts of a batch this model called may hold: its
        :attr:`identity`, and its name with its network's sha256, as records of adapted models
        made before they were known by their card's hash hold it (an adapted model's version
        names it alone)."""
        return tuple(dict.fromkeys((self.identity,
                                    (self.model_name, self.backend.network_sha256))))

    def predict(self, cells: np.ndarray) -> Scores:
        """Score ``uint8`` cells of shape ``(N, S, S, 3)`` preprocessed for this model."""
        size = self.input_size
        if cells.ndim != 4 or cells.shape[1:] != (size, size, 3):
            raise ValueError(f"expected cells of shape (N, {size}, {size}, 3), got {cells.shape}")
        logits, class_maps = self._run(cells)
        if self.card.blend is None:
            return Scores(calibrated(logits, self.card.temperature), class_maps)
        return Scores(calibrated(logits[:, 0], self.card.temperature), class_maps[..., 0],
                      logits[:, 0], logits[:, 1], class_maps[..., 1])

    def _run(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The backend's logits and class maps of ``cells`` (of both heads when the card
        blends), each cell's the mean of its views' when the card scores eight."""
        run = self.backend.run if self.card.blend is None else self.backend.run_heads
        if self.card.views == 1:
            return run(cells)
        logits, maps, views = 0.0, 0.0, eight_views(cells)
        for index, view in enumerate(views):  # the network's memory is one view's
            view_logits, view_maps = run(view)
            logits, maps = logits + view_logits, maps + turned_back(view_maps, index)
        return logits / len(views), (maps / len(views)).astype(np.float32)


def model_name(card: ModelCard, backend: str) -> str:
    """The name and version of ``card``'s model run by ``backend``, as records show it."""
    return " ".join(filter(None, [card.name, card.version, f"({backend})"]))


def card_identities(card: ModelCard) -> frozenset[tuple[str, str]]:
    """Every (name, sha256) a record of a batch ``card``'s model called may hold, whichever
    backend ran it: :attr:`Classifier.identities` of each of its files."""
    from malariascope.core.modelfiles import FILE_BACKENDS

    return frozenset((model_name(card, backend), sha256)
                     for suffix, backend in FILE_BACKENDS.items() if suffix[1:] in card.files
                     for sha256 in (card.identity(suffix[1:]), card.sha256(suffix[1:])))
