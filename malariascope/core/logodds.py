"""Log-odds of probabilities, and the uncertain band a threshold gives in them.

Apart from the classifier so that a model card's reader can check a card's band against its
threshold without importing the classifier, which imports the card.
"""

from __future__ import annotations

import math

import numpy as np

#: Calls within this many log-odds of the threshold are uncertain (odds within a factor of e).
#: Log-odds, not probability: the threshold sits near 0 or 1 and a band in probability would be
#: lopsided, e.g. 0.18 +- 0.25 flags every cell below 0.43.
UNCERTAIN_LOG_ODDS = 1.0
_EPS = 1e-9


def log_odds(probability: float | np.ndarray) -> float | np.ndarray:
    """``log(p / (1 - p))`` of a probability or an array of them, kept finite at 0 and 1."""
    p = np.clip(np.asarray(probability, dtype=np.float64), _EPS, 1.0 - _EPS)
    return np.log(p / (1.0 - p))


def from_log_odds(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def uncertain_band(threshold: float, low_margin: float = UNCERTAIN_LOG_ODDS,
                   high_margin: float = UNCERTAIN_LOG_ODDS) -> tuple[float, float]:
    """The probabilities within the given log-odds below and above ``threshold``.

    Parameters
    ----------
    threshold
        The probability at the band's centre (in log-odds).
    low_margin, high_margin
        Log-odds below and above it.

    Returns
    -------
    tuple[float, float]
        The band's low and high probability.
    """
    centre = log_odds(threshold)
    return from_log_odds(centre - low_margin), from_log_odds(centre + high_margin)
