"""Callbacks for training: early stopping on the validation AUC and a learning-rate schedule."""

from __future__ import annotations

import keras


def get_callbacks(patience: int = 4) -> list[keras.callbacks.Callback]:
    """Stop when the validation AUC stops improving and keep the best epoch's weights."""
    return [
        keras.callbacks.EarlyStopping(
            monitor="val_auc", mode="max", patience=patience, restore_best_weights=True
        ),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.3, patience=2, min_lr=1e-5),
    ]
