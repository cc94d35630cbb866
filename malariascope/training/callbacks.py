"""Callbacks for training: early stopping on the validation AUC, keeping the best epoch."""

from __future__ import annotations

import keras


def get_callbacks(monitor: str, patience: int = 5) -> list[keras.callbacks.Callback]:
    """Stop when the validation AUC (``monitor``) stops improving and keep the best epoch's
    weights.

    The learning rate follows a cosine schedule set on the optimizer (see ``train._fit``), so no
    plateau callback: the first model here stopped on a plateau just as the rate dropped.
    """
    return [
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode="max", patience=patience, restore_best_weights=True
        ),
    ]
