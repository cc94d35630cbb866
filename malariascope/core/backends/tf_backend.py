"""TensorFlow/Keras reference backend: the ``.keras`` file, Grad-CAM with a GradientTape.

Gradients are taken of the logit (the sigmoid saturates), through a flat model that exposes the
last-conv features and the logit side by side (no nested sub-model), as in keras-io's Grad-CAM.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from malariascope.core.errors import ModelError
from malariascope.core.modelcard import ModelCard


class TensorFlowBackend:
    """Runs ``<model>.keras`` loaded with ``safe_mode=True``."""

    name = "tensorflow"

    def __init__(self, card: ModelCard) -> None:
        path = card.model_file("keras")
        self.model_sha256 = card.identity("keras")
        self.network_sha256 = card.sha256("keras")
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as exc:  # Keras raises many types on a bad archive
            raise ModelError(f"cannot load Keras model {path.name}: {exc}") from exc
        if tuple(model.input_shape[1:3]) != (card.input_size, card.input_size):
            raise ModelError(f"Keras model {path.name} takes {model.input_shape[1]} px inputs, "
                             f"but its card says {card.input_size}")
        try:
            features, logit = (model.get_layer(name).output
                               for name in (card.last_conv_layer, "logit"))
        except ValueError as exc:  # the card names a layer the model does not have
            raise ModelError(f"Keras model {path.name} does not fit its card: {exc}") from None
        self._model = keras.Model(model.inputs, [features, logit])

    def run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits and Grad-CAM class maps (``sum_k alpha_k A_k`` scaled to the exact map)."""
        x = tf.convert_to_tensor(batch, dtype=tf.float32)
        with tf.GradientTape() as tape:
            features, logits = self._model(x, training=False)
            total = tf.reduce_sum(logits)
        grads = tape.gradient(total, features)
        alphas = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        area = float(features.shape[1] * features.shape[2])
        class_maps = tf.reduce_sum(alphas * features, axis=-1) * area
        return logits.numpy()[:, 0].astype(np.float64), class_maps.numpy()
