"""Callbacks for training: early stopping on the validation AUC, keeping the best epoch; a
stop asked for by a signal."""

from __future__ import annotations

import threading

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


class StopWhenAsked(keras.callbacks.Callback):
    """Raise KeyboardInterrupt after the batch during which ``stop`` was set (see
    ``cli.stopping.StopAtOnce``); :meth:`check` does the same between the run's other steps."""

    def __init__(self, stop: threading.Event | None) -> None:
        super().__init__()
        self.stop = stop or threading.Event()

    def check(self) -> None:
        """Raise KeyboardInterrupt once ``stop`` is set."""
        if self.stop.is_set():
            raise KeyboardInterrupt

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.check()
