"""Temperature scaling and threshold choice, both on the slide-disjoint validation part."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_expit


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T minimising the log loss of ``sigmoid(logit / T)`` (Guo et al. 2017)."""
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        return float(-np.mean(labels * log_expit(z) + (1 - labels) * log_expit(-z)))

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def choose_threshold(probs: np.ndarray, labels: np.ndarray, min_sensitivity: float) -> float:
    """The threshold of best balanced accuracy among those keeping sensitivity high enough.

    A screening aid must not miss parasites, so thresholds whose validation sensitivity falls
    below ``min_sensitivity`` are not considered (unless none reach it).
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    candidates = np.unique(np.round(probs, 4))
    best, best_score = 0.5, -1.0
    for threshold in candidates:
        calls = probs >= threshold
        sensitivity = calls[labels].mean()
        specificity = (~calls[~labels]).mean()
        score = (sensitivity + specificity) / 2 - (sensitivity < min_sensitivity)
        if score > best_score:
            best, best_score = float(threshold), score
    return best
