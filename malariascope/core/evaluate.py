"""``malariascope evaluate``: score a model on ``DIR/{parasitized,uninfected}``.

It runs the same pipeline as screening, so the figures describe what users get.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from malariascope.core.classifier import Classifier
from malariascope.core.dataset import labelled_images
from malariascope.core.errors import DatasetError
from malariascope.core.metrics import screening_metrics
from malariascope.core.pipeline import screen


def evaluate_folder(folder: Path, model: Path | None = None, backend: str | None = None) -> dict:
    """Metrics of the model on every image of ``folder``; unreadable images are counted."""
    images = labelled_images(folder)
    kind = backend or ("tensorflow" if model and model.suffix == ".keras" else "onnx")
    classifier = Classifier.open(model, kind)
    results = list(screen(images.paths, classifier))
    ok = [i for i, r in enumerate(results) if r.ok]
    if not ok:
        raise DatasetError(f"no readable images in {folder}")
    labels = np.asarray(images.labels)[ok]
    probs = np.asarray([results[i].probability for i in ok])
    metrics = screening_metrics(labels, probs, classifier.rule.threshold)
    metrics.update(
        unreadable=len(results) - len(ok),
        model=classifier.model_name,
        model_sha256=classifier.backend.model_sha256,
    )
    return metrics


def format_metrics(metrics: dict) -> str:
    """A few readable lines for the terminal."""
    (tn, fp), (fn, tp) = metrics["confusion"]
    return "\n".join(
        [
            f"model        {metrics['model']}",
            f"cells        {metrics['n']} (unreadable: {metrics['unreadable']})",
            f"accuracy     {metrics['accuracy']:.4f}",
            f"sensitivity  {metrics['sensitivity']:.4f}   specificity {metrics['specificity']:.4f}",
            f"precision    {metrics['precision']:.4f}   F1 {metrics['f1']:.4f}",
            f"ROC AUC      {metrics['auc']:.4f}   ECE {metrics['ece']:.4f}",
            f"confusion    TN {tn}  FP {fp}  FN {fn}  TP {tp}"
            f"   (threshold {metrics['threshold']:.4f})",
        ]
    )
