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

    Parameters
    ----------
    probs, labels
        Validation cells' P(parasitized), and True for each parasitized one.
    min_sensitivity
        The sensitivity the threshold must keep.

    Returns
    -------
    float
        A threshold strictly between 0 and 1 (0.5 when no cell gives one).
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    best, best_score = 0.5, -1.0
    for threshold in _candidates(probs):
        calls = probs >= threshold
        sensitivity = calls[labels].mean()
        specificity = (~calls[~labels]).mean()
        score = (sensitivity + specificity) / 2 - (sensitivity < min_sensitivity)
        if score > best_score:
            best, best_score = float(threshold), score
    return best


#: Parasitemias a whole field typically has; the counting threshold is fair to all of them.
FIELD_PARASITEMIAS = (0.0, 0.01, 0.02, 0.05, 0.10)


def choose_count_threshold(probs: np.ndarray, labels: np.ndarray,
                           parasitemias: tuple[float, ...] = FIELD_PARASITEMIAS) -> float:
    """The threshold at which a field's count of parasitized cells is least biased.

    In a field almost every cell is healthy, so the screening threshold's few percent of false
    calls outnumber the infected cells: at 2 % parasitemia it reports 6 to 8 %. The expected
    count error per cell at parasitemia ``q`` is ``(1 - q) * FPR - q * FNR``; this picks the
    threshold with the smallest mean absolute error over typical ``parasitemias``.

    Parameters
    ----------
    probs, labels
        Validation cells' P(parasitized), and True for each parasitized one.
    parasitemias
        The parasitemias (fractions) the count must be fair to.

    Returns
    -------
    float
        A threshold strictly between 0 and 1 (0.5 when no cell gives one).
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    rates = np.asarray(parasitemias, dtype=np.float64)
    candidates = _candidates(probs)
    if not candidates.size:
        return 0.5
    false_rate = np.array([(probs[~labels] >= t).mean() for t in candidates])
    miss_rate = np.array([(probs[labels] < t).mean() for t in candidates])
    bias = np.abs((1 - rates)[:, None] * false_rate - rates[:, None] * miss_rate).mean(axis=0)
    return float(candidates[int(np.argmin(bias))])


def _candidates(probs: np.ndarray) -> np.ndarray:
    """The thresholds worth trying: each probability to 4 places, strictly between 0 and 1
    (a threshold of 0 calls every cell parasitized, and a model card refuses it)."""
    candidates = np.unique(np.round(probs, 4))
    return candidates[(candidates > 0) & (candidates < 1)]
