"""The area under the ROC curve in numpy (the app has no scikit-learn)."""

from __future__ import annotations

import numpy as np


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half); NaN without both classes."""
    labels = np.asarray(labels, dtype=bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ordered = np.asarray(scores)[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    tie = np.cumsum(starts) - 1
    bounds = np.r_[np.flatnonzero(starts), len(ordered)]
    ranks = np.empty(len(ordered))
    ranks[order] = (bounds[tie] + bounds[tie + 1] + 1) / 2.0  # mean 1-based rank of the tie
    return float((ranks[labels].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))
