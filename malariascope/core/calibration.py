"""Temperature scaling and threshold choice: how a model's logits become calls.

Training fits these on its slide-disjoint validation part, lab adaptation on a lab's reviewed
cells held out by field or slide; both use these functions, so a threshold means the same
thing whichever made it. Plain numpy: the installed app adapts models and has no SciPy.
"""

from __future__ import annotations

import numpy as np

#: Sensitivity the screening threshold must keep on the cells it is chosen on (see
#: :func:`choose_threshold`).
MIN_SENSITIVITY = 0.965
#: The floor holds only on at least this many parasitized cells: it then allows five or more
#: misses, while on a few dozen it rests on the lowest one or two and costs a lab's fields a
#: fifth of their specificity (cross-validated by field on the 30 shared fields).
MIN_FLOOR_CELLS = 150
#: How a screening threshold is chosen, in words, for model cards.
THRESHOLD_RULE = (f"best balanced accuracy keeping sensitivity >= {MIN_SENSITIVITY} when chosen "
                  f"on at least {MIN_FLOOR_CELLS} parasitized cells, else best balanced accuracy")
#: Parasitemias a whole field typically has; the counting threshold is fair to all of them.
FIELD_PARASITEMIAS = (0.0, 0.01, 0.02, 0.05, 0.10)
TEMPERATURE_RANGE = (0.05, 20.0)
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def fit_temperature(logits: np.ndarray, labels: np.ndarray,
                    weights: np.ndarray | None = None) -> float:
    """The temperature T minimising the (weighted) log loss of ``sigmoid(logit / T)`` (Guo et
    al. 2017), searched on log T within :data:`TEMPERATURE_RANGE`."""
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    weights = np.ones_like(logits) if weights is None else np.asarray(weights, np.float64)

    def loss(log_t: float) -> float:
        z = logits / np.exp(log_t)
        # -log sigmoid(z) = logaddexp(0, -z), without overflow
        return float(np.sum(weights * (labels * np.logaddexp(0.0, -z)
                                       + (1 - labels) * np.logaddexp(0.0, z))))

    return float(np.exp(_golden_minimum(loss, *np.log(TEMPERATURE_RANGE))))


def _golden_minimum(function, low: float, high: float, tolerance: float = 1e-6) -> float:
    """The minimum of a unimodal ``function`` on ``[low, high]`` by golden-section search."""
    a, b = low, high
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = function(c), function(d)
    while b - a > tolerance:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = function(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = function(d)
    return (a + b) / 2


def choose_threshold(probs: np.ndarray, labels: np.ndarray,
                     min_sensitivity: float = MIN_SENSITIVITY) -> float:
    """The threshold of best balanced accuracy among those keeping sensitivity high enough.

    A screening aid must not miss parasites, so thresholds whose sensitivity on these held-out
    cells falls below ``min_sensitivity`` are not considered (unless none reach it). On fewer
    than :data:`MIN_FLOOR_CELLS` parasitized cells a sensitivity is too coarse to hold a floor
    to, and the threshold of best balanced accuracy is taken.

    Parameters
    ----------
    probs, labels
        Held-out cells' P(parasitized), and True for each parasitized one.
    min_sensitivity
        The sensitivity the threshold must keep.

    Returns
    -------
    float
        A threshold strictly between 0 and 1 (0.5 when no cell gives one).
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    if labels.sum() < MIN_FLOOR_CELLS:
        min_sensitivity = 0.0
    best, best_score = 0.5, -1.0
    for threshold in _candidates(probs):
        calls = probs >= threshold
        sensitivity = calls[labels].mean()
        specificity = (~calls[~labels]).mean()
        score = (sensitivity + specificity) / 2 - (sensitivity < min_sensitivity)
        if score > best_score:
            best, best_score = float(threshold), score
    return best


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
        Held-out cells' P(parasitized), and True for each parasitized one.
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
