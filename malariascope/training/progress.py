"""Training progress: one bar per epoch on a terminal, one plain line per epoch elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import keras
from tqdm import tqdm


class EpochProgress(keras.callbacks.Callback):
    """A bar per epoch that ends on the epoch's training and validation figures when stderr
    is a terminal; otherwise (a log file, CI) those figures as one line through ``log``."""

    def __init__(self, epochs: int, steps: int, log: Callable[[str], None]) -> None:
        super().__init__()
        self.epochs, self.steps, self.log = epochs, steps, log
        self.bar: tqdm | None = None
        self.started = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.started = time.monotonic()
        self.bar = tqdm(total=self.steps, desc=self._name(epoch), unit="batch", leave=True,
                        file=sys.stderr, disable=not sys.stderr.isatty())

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.bar.update()
        if logs and "loss" in logs:
            self.bar.set_postfix_str(f"loss {float(logs['loss']):.4f}", refresh=False)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        figures = epoch_figures(logs or {})
        if self.bar.disable:
            self.log(f"{self._name(epoch)}: {figures} ({time.monotonic() - self.started:.0f} s)")
        else:
            self.bar.set_postfix_str(figures)
        self.bar.close()

    def _name(self, epoch: int) -> str:
        return f"epoch {epoch + 1}/{self.epochs}"


def epoch_figures(logs: dict) -> str:
    """An epoch's figures as ``loss 0.2345, auc 0.9812, ..., val_auc 0.9790``: training's
    first, then validation's."""
    names = sorted(logs, key=lambda name: (name.startswith("val_"), name != "loss"
                                           and name != "val_loss", name))
    return ", ".join(f"{name} {float(logs[name]):.4f}" for name in names)
