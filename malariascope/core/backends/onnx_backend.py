"""ONNX Runtime backend: the exported screening model, Grad-CAM from its features.

With a GAP -> Dense head, Grad-CAM is exact without gradients: the class map is the last-conv
features weighted by the Dense weights, and its spatial mean plus the bias is the logit. A card
with a base head to blend field cells with (``blend``) has both heads applied to one run.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from malariascope.core.backends.onnx_external import uses_external_data
from malariascope.core.errors import BackendUnavailableError, ModelError
from malariascope.core.modelcard import ModelCard


class OnnxBackend:
    """Runs ``<model>.onnx`` (outputs: probability, last-conv features) on the CPU."""

    name = "onnx"

    def __init__(self, card: ModelCard) -> None:
        ort = import_onnxruntime()
        ort.disable_telemetry_events()  # Windows' event tracing; the variable covers the rest
        model = card.model_bytes("onnx")  # the bytes hashed are the bytes run
        name = card.files["onnx"].name
        _refuse_external_data(model, name)
        self.model_sha256 = card.identity("onnx")
        self.network_sha256 = card.sha256("onnx")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(
                model, options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors on bad files
            raise ModelError(f"cannot load ONNX model {name}: {exc}") from exc
        self._input = self._session.get_inputs()[0].name
        _check_shapes(self._session, card, name)
        self._weights, self._bias = (part.astype(np.float32) for part in card_heads(card))

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits and class maps of a batch of ``uint8`` cells."""
        logits, class_maps = self.run_heads(batch)
        return logits[:, 0], class_maps[..., 0]

    def run_heads(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits ``(N, K)`` and class maps ``(N, h, w, K)`` of the card's head and, when it
        blends field cells, the base head, from one run of the network."""
        class_maps = self._feature_maps(batch) @ self._weights
        logits = class_maps.mean(axis=(1, 2)) + self._bias
        return logits.astype(np.float64), class_maps

    def features(self, batch: np.ndarray) -> np.ndarray:
        """``(N, D)`` spatially averaged last-conv features of a batch of ``uint8`` cells: what
        the card's head weighs into the logit (lab adaptation refits that head on them)."""
        return self._feature_maps(batch).mean(axis=(1, 2), dtype=np.float64)

    def _feature_maps(self, batch: np.ndarray) -> np.ndarray:
        _, maps = self._session.run(None, {self._input: batch.astype(np.float32)})
        return maps


def import_onnxruntime() -> ModuleType:
    """The ``onnxruntime`` module; BackendUnavailableError if it cannot be imported."""
    try:
        import onnxruntime
    except ImportError as exc:
        # onnxruntime's extension turns a Ctrl-C during its import into an ImportError
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        raise BackendUnavailableError("onnxruntime is not installed") from exc
    return onnxruntime


def card_heads(card: ModelCard) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(D, K)`` and biases ``(K,)`` of the card's head and, when it blends field
    cells, the base head after it."""
    heads = [(card.head_weights, card.head_bias)]
    if card.blend is not None:
        heads.append((card.blend.weights, card.blend.bias))
    return (np.asarray([weights for weights, _ in heads], np.float64).T,
            np.asarray([bias for _, bias in heads], np.float64))


def _refuse_external_data(model: bytes, name: str) -> None:
    """An ONNX model whose tensors live in other files is refused: its card pins this file
    only, not the weights it would load."""
    try:
        external = uses_external_data(model)
    except ValueError as exc:
        raise ModelError(f"cannot load ONNX model {name}: not an ONNX file ({exc})") from None
    if external:
        raise ModelError(f"ONNX model {name} keeps tensors in other files (external data), "
                         "which its card's hash does not cover: refused")


def _check_shapes(session, card: ModelCard, name: str) -> None:
    """The model takes the card's input size and gives one feature per head weight."""
    size = session.get_inputs()[0].shape[1:3]
    features = session.get_outputs()[-1].shape
    if any(isinstance(side, int) and side != card.input_size for side in size):
        raise ModelError(f"ONNX model {name} takes {size[0]} px inputs, but its card says "
                         f"{card.input_size}")
    if len(features) != 4 or features[-1] != len(card.head_weights):
        raise ModelError(f"ONNX model {name} gives {features[-1]} features, but its card's "
                         f"head has {len(card.head_weights)} weights")
