"""The classifier: preprocessed cells in, calibrated probabilities and class maps out.

It owns the model card's decision facts (temperature, threshold, uncertain band) so that every
caller labels cells the same way; the backend only does the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from malariascope.core.backends import Backend, open_backend
from malariascope.core.modelcard import ModelCard, load_card

PARASITIZED, UNINFECTED = "parasitized", "uninfected"


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Calibrated P(parasitized) by temperature scaling of the logits."""
    # exp(-log(1 + exp(-x))) is the logistic without overflow; plain numpy keeps SciPy (about
    # 30 MB) out of the app bundle
    return np.exp(-np.logaddexp(0.0, -np.asarray(logits, dtype=np.float64) / temperature))


@dataclass(frozen=True)
class CallRule:
    """How a probability becomes a call: a threshold and an uncertain band around it."""

    threshold: float
    band: tuple[float, float]

    def call(self, probability: float) -> str:
        return PARASITIZED if probability >= self.threshold else UNINFECTED

    def uncertain(self, probability: float) -> bool:
        return self.band[0] <= probability < self.band[1]

    def with_threshold(self, threshold: float) -> CallRule:
        """The same rule moved to ``threshold``; the band keeps its width, clipped to [0, 1]."""
        shift = threshold - self.threshold
        low, high = (min(1.0, max(0.0, edge + shift)) for edge in self.band)
        return CallRule(threshold, (low, high))


@dataclass(frozen=True)
class Scores:
    """Per-cell outputs of one batch."""

    probabilities: np.ndarray  # (N,) calibrated P(parasitized)
    class_maps: np.ndarray  # (N, h, w) Grad-CAM class maps before ReLU


class Classifier:
    """Scores preprocessed cells with a backend, calibrated by the model card."""

    def __init__(self, backend: Backend, card: ModelCard) -> None:
        self.backend = backend
        self.card = card
        self.rule = CallRule(card.threshold, card.uncertain_band)

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
        return f"{self.card.name} {self.card.data.get('version', '')} ({self.backend.name})".strip()

    def predict(self, cells: np.ndarray) -> Scores:
        """Score ``uint8`` cells of shape ``(N, S, S, 3)`` preprocessed for this model."""
        size = self.input_size
        if cells.ndim != 4 or cells.shape[1:] != (size, size, 3):
            raise ValueError(f"expected cells of shape (N, {size}, {size}, 3), got {cells.shape}")
        logits, class_maps = self.backend.run(cells)
        return Scores(calibrated(logits, self.card.temperature), class_maps)
