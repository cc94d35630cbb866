"""Inference backends behind one small interface.

A backend turns a batch of preprocessed cells into the logit of *parasitized* and the Grad-CAM
class map (``sum_k w_k A_k`` over the last-conv features ``A``, before ReLU) of each cell.
ONNX Runtime is the default (fast to import, small to ship); TensorFlow runs the reference
``.keras`` file and is needed only for training and cross-checks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from malariascope.core.errors import BackendUnavailableError, ModelError
from malariascope.core.modelcard import ModelCard
from malariascope.core.modelfiles import FILE_BACKENDS
from malariascope.core.options import BACKENDS


class Backend(Protocol):
    """What the classifier needs from an inference engine."""

    name: str
    model_sha256: str
    network_sha256: str  # of the network file it runs (an adapted model's is its base's)

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(logits (N,), class_maps (N, h, w))`` for ``uint8`` cells ``(N, S, S, 3)``."""
        ...


def backend_for(model: str | os.PathLike[str] | None, backend: str | None) -> str:
    """The backend that runs ``model``, by one rule for every command: a model file named is
    the file that runs (TensorFlow a ``.keras`` file, ONNX Runtime an ``.onnx`` file); a card,
    a folder or the bundled model runs on ``backend``, ONNX Runtime when None. A ``backend``
    that would run another file than the one named is refused (ModelError)."""
    path = Path(model) if model else None
    own = FILE_BACKENDS.get(path.suffix.lower()) if path and not path.is_dir() else None
    if own is None:
        return backend or "onnx"
    if backend not in (None, own):
        raise ModelError(f"{path} runs on {own}, not on {backend}, which would run another "
                         f"file of its card: name {own} as the backend, or give the card or "
                         "its folder")
    return own


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
