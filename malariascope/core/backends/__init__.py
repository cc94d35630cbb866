"""Inference backends behind one small interface.

A backend turns a batch of preprocessed cells into the logit of *parasitized* and the Grad-CAM
class map (``sum_k w_k A_k`` over the last-conv features ``A``, before ReLU) of each cell.
ONNX Runtime is the default (fast to import, small to ship); TensorFlow runs the reference
``.keras`` file and is needed only for training and cross-checks.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from malariascope.core.errors import BackendUnavailableError
from malariascope.core.modelcard import ModelCard
from malariascope.core.options import BACKENDS


class Backend(Protocol):
    """What the classifier needs from an inference engine."""

    name: str
    model_sha256: str
    network_sha256: str  # of the network file it runs (an adapted model's is its base's)

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(logits (N,), class_maps (N, h, w))`` for ``uint8`` cells ``(N, S, S, 3)``."""
        ...


def open_backend(card: ModelCard, kind: str = "onnx") -> Backend:
    """Open the model file of ``card`` with the backend ``kind`` (hash checked first)."""
    if kind == "onnx":
        from malariascope.core.backends.onnx_backend import OnnxBackend

        return OnnxBackend(card)
    if kind == "tensorflow":
        try:
            from malariascope.core.backends.tf_backend import TensorFlowBackend
        except ImportError as exc:
            raise BackendUnavailableError(
                "the TensorFlow backend needs TensorFlow: pip install 'malariascope[train]'"
            ) from exc
        return TensorFlowBackend(card)
    raise BackendUnavailableError(f"unknown backend {kind!r}; choose one of {', '.join(BACKENDS)}")
