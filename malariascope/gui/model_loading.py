"""Which model a window screens with, loaded in a worker: the model half of
:class:`~malariascope.gui.controller.ScreeningController`.

A case is screened by one model from start to end, so a model chosen while the window holds
cells waits for the next case; a load asked for later supersedes one still running.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.gui.latest_load import LatestLoad
from malariascope.gui.workers import load_classifier

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from malariascope.core.classifier import Classifier
    from malariascope.gui.batch import Batch
    from malariascope.gui.workers import WorkerGroup


class ModelLoading:
    """Mixin of the controller: the model loaded (``classifier``), the one chosen for the
    next case, and their loading. The controller gives it its batch, workers, signals and
    screening queue (``waiting``, ``_start_next``)."""

    batch: Batch
    workers: WorkerGroup
    waiting: list
    model_ready: SignalInstance
    model_failed: SignalInstance
    idle: SignalInstance

    def _init_models(self) -> None:
        self.classifier: Classifier | None = None
        self.model_error = ""  # why the model could not be loaded, if it could not
        self.model: Path | None = None  # the model folder in use; None: the bundled model
        self._wanted_model: Path | None = None  # the model the next case is screened with
        self._loads = LatestLoad(self.workers)  # only the last load asked for delivers
        self.model_seconds = 0.0
        self._load_started = 0.0

    def load_model(self, model: Path | None = None) -> None:
        """Open ``model`` (a folder; default the bundled one) in a worker; screening requested
        meanwhile waits for it. The last model asked for wins, whichever load ends first."""
        self.classifier, self.model_error = None, ""
        self.model = self._wanted_model = model
        self._load_started = time.perf_counter()
        self._loads.start(load_classifier, model, self._on_model_loaded, self._on_model_errored)

    @property
    def model_loading(self) -> bool:
        """True until a model is ready or has failed to load."""
        return self.classifier is None and not self.model_error

    def use_model(self, model: Path | None) -> bool:
        """Screen with ``model`` (None: the bundled one) from now on: at once when the window
        holds no cells (True), else from the next case, so one case never mixes models."""
        self._wanted_model = model
        if len(self.batch) or self.screening or self.exporting:
            return False
        self.load_model(model)
        return True

    def begin_case(self) -> None:
        """Give an empty case the model chosen for it (loaded now, if another one is)."""
        if self._wanted_model != self.model:
            self.load_model(self._wanted_model)
        elif self.classifier is not None:
            self.batch.set_model(*self.classifier.identity, self.classifier.rule,
                                 self.classifier.identities)

    def _load_chosen(self) -> None:
        """Load the model chosen while the last case was open, if the window holds none."""
        if self._wanted_model != self.model and not len(self.batch) and not self.screening:
            self.load_model(self._wanted_model)

    def _on_model_loaded(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.model_seconds = time.perf_counter() - self._load_started
        self.batch.set_model(*classifier.identity, classifier.rule, classifier.identities)
        self.model_ready.emit(classifier.model_name)
        self._start_next()

    def _on_model_errored(self, exc: Exception) -> None:
        self.waiting = []
        self.model_error = f"The model could not be loaded: {exc}"
        self.idle.emit()
        self.model_failed.emit(self.model_error)
