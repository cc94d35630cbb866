"""``malariascope evaluate``: score a model on ``DIR/{parasitized,uninfected}``.

It runs the same pipeline as screening, so the figures describe what users get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from malariascope.core.backends import backend_for
from malariascope.core.classifier import Classifier
from malariascope.core.dataset import labelled_images, refuse_labelled_twice
from malariascope.core.errors import DatasetError
from malariascope.core.metrics import ScreeningMetrics, screening_metrics
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.withoutcall import WithoutCall


@dataclass(frozen=True)
class Evaluation:
    """A model's metrics on a labelled folder, and which model it was."""

    metrics: ScreeningMetrics
    model: str
    model_sha256: str
    unread: tuple[ScreeningResult, ...] = ()  #: images not screened, left out of the metrics

    @property
    def unreadable(self) -> int:
        """How many images could not be screened, of every kind (``--json``'s "unreadable")."""
        return len(self.unread)

    def to_dict(self) -> dict:
        """The figures as ``evaluate --json`` writes them."""
        return {**self.metrics.to_dict(), "unreadable": self.unreadable, "model": self.model,
                "model_sha256": self.model_sha256}

    def format(self) -> str:
        """A few readable lines for the terminal; the images left out by why, as a grey cell
        is read and refused, not unreadable."""
        left_out = WithoutCall.of(r.error for r in self.unread).words() or "0"
        return (f"model        {self.model}\n"
                f"cells        {self.metrics.n} (without a call: {left_out})\n"
                + self.metrics.format())


def evaluate_folder(folder: Path, model: Path | None = None, backend: str | None = None
                    ) -> Evaluation:
    """Metrics of the model on every image of ``folder``; images without a call are counted.

    Parameters
    ----------
    folder
        A folder holding ``parasitized`` and ``uninfected`` subfolders of cell images.
    model
        A model card, model file or their folder; the bundled model when None.
    backend
        What runs the model, as :meth:`Classifier.open` takes it; None: as
        ``backends.backend_for`` decides for ``model`` (a model file named runs on its own
        backend, else ONNX), as the command line decides before it calls.

    Returns
    -------
    Evaluation
        The metrics at the card's threshold, with the model's name and hash, and the
        images that could not be screened.
    """
    images = labelled_images(folder)
    refuse_labelled_twice(images)
    classifier = Classifier.open(model, backend or backend_for(model, None))
    # each labelled image is one cell, whatever its size: one result per label
    results = list(screen(images.paths, classifier, mode="cell"))
    ok = [i for i, r in enumerate(results) if r.ok]
    if not ok:
        raise DatasetError(f"nothing to score in {folder}: "
                           f"{WithoutCall.of(r.error for r in results).none_called()}")
    labels = np.asarray(images.labels)[ok]
    probs = np.asarray([results[i].probability for i in ok])
    return Evaluation(screening_metrics(labels, probs, classifier.rule.threshold),
                      model=classifier.model_name, model_sha256=classifier.backend.model_sha256,
                      unread=tuple(result for result in results if not result.ok))
