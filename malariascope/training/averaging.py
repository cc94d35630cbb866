"""Weight averaging (SWA): the model kept is the mean of the weights at the end of the last
epochs, which tends to sit in a flatter minimum than any one epoch's and so to carry better to
smears unlike the training ones.

Batch norm's moving statistics belong to the weights they were gathered under, so after
averaging they are gathered again over training batches, as a plain mean of the batches'.
"""

from __future__ import annotations

from collections.abc import Iterable

import keras
import numpy as np


class WeightAverage(keras.callbacks.Callback):
    """Average the trainable weights at the end of every epoch from ``start_epoch`` (1 for
    the first) on; at the end of the fit, put the average in the model and gather its batch
    norm statistics over ``batches`` (images only, or (images, labels) pairs)."""

    def __init__(self, start_epoch: int, batches: Iterable) -> None:
        super().__init__()
        self.start_epoch = start_epoch
        self.batches = batches
        self.averaged = 0
        self._sums: list[np.ndarray] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch + 1 < self.start_epoch:
            return
        weights = [np.asarray(variable) for variable in self.model.trainable_variables]
        if self._sums:
            self._sums = [total + value for total, value in zip(self._sums, weights, strict=True)]
        else:
            self._sums = weights
        self.averaged += 1

    def on_train_end(self, logs: dict | None = None) -> None:
        """Put the average in place; a fit stopped before ``start_epoch`` keeps its weights
        (early stopping's best epoch)."""
        if not self.averaged:
            return
        for variable, total in zip(self.model.trainable_variables, self._sums, strict=True):
            variable.assign(total / self.averaged)
        gather_batch_statistics(self.model, self.batches)


def gather_batch_statistics(model: keras.Model, batches: Iterable) -> None:
    """Set every batch norm layer's moving mean and variance to the mean of its statistics
    over ``batches``, the rest of the model unchanged."""
    norms = [layer for layer in _layers(model)
             if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [norm.momentum for norm in norms]
    try:
        for count, batch in enumerate(batches, start=1):
            for norm in norms:
                norm.momentum = 1.0 - 1.0 / count  # a running mean of the batches seen
            model(batch[0] if isinstance(batch, tuple) else batch, training=True)
    finally:
        for norm, momentum in zip(norms, momenta, strict=True):
            norm.momentum = momentum


def _layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer of ``model``, those of nested models (ensemble members) included."""
    found = []
    for layer in model.layers:
        found.extend(_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return found
