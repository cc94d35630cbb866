"""Callbacks for training: early stopping on the validation AUC, keeping the best epoch; a
stop asked for by a signal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import keras

from malariascope.core.atomic import Commit, at_once

#: the caller's block in which a stop signal waits for :class:`StopWhenAsked` to raise it
Checked = Callable[[], AbstractContextManager[None]]


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
    ``cli.stopping.StopAtOnce``); :meth:`check` does the same between the run's other steps,
    and :meth:`commit` before the renames that place the model, which its caller's
    ``commit`` makes. The fit and predictions it watches run inside ``checked``: the
    caller's block in which a stop waits for this callback instead of being raised."""

    def __init__(self, stop: threading.Event | None, commit: Commit = at_once,
                 checked: Checked = nullcontext) -> None:
        super().__init__()
        self.stop = stop or threading.Event()
        self._commit = commit
        self.checked = checked

    def check(self) -> None:
        """Raise KeyboardInterrupt once ``stop`` is set."""
        if self.stop.is_set():
            raise KeyboardInterrupt

    def commit(self, place: Callable[[], None]) -> None:
        """Make the renames ``place`` through the caller's commit, unless a stop came first."""
        self.check()
        self._commit(place)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.check()

    # the fit's validation and the calibration's predictions too; Keras then runs these hooks
    # in its own loop's thread, where the KeyboardInterrupt reaches the caller at once
    on_test_batch_end = on_predict_batch_end = on_train_batch_end
