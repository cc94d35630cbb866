"""Callbacks for training: early stopping on the validation AUC, keeping the best epoch."""

from __future__ import annotations

import keras


def get_callbacks(monitor: str, patience: int) -> list[keras.callbacks.Callback]:
    """Stop after ``patience`` epochs without a better validation AUC (``monitor``) and keep
    the best epoch's weights.

    The learning rate follows a cosine schedule set on the optimizer (see ``train._fit``), so no
    callback changes it on a plateau.
    """
    return [
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode="max", patience=patience, restore_best_weights=True
        ),
    ]
