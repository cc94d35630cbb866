"""Temperature scaling and threshold choice (numpy only: the app adapts models with them)."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.calibration import (
    choose_count_threshold,
    choose_threshold,
    fit_temperature,
)


def test_temperature_scaling_recovers_a_known_temperature():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 2, 20000)
    labels = (rng.random(20000) < 1 / (1 + np.exp(-true_logits))).astype(float)
    assert fit_temperature(true_logits * 3.0, labels) == pytest.approx(3.0, rel=0.1)


def test_threshold_keeps_the_sensitivity_floor_on_enough_parasitized_cells():
    probs = np.tile([0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.8, 0.9], 50)
    labels = np.tile([0, 0, 1, 0, 1, 0, 1, 1], 50)
    threshold = choose_threshold(probs, labels, min_sensitivity=1.0)
    assert threshold <= 0.3  # every positive called


def test_a_few_parasitized_cells_low_among_the_healthy_do_not_set_the_threshold():
    """50 parasitized cells, 2 of them scoring as low as the healthy: a floor of 0.965 would
    call 49 of 50 and with them a third of the healthy cells."""
    healthy = np.linspace(0.01, 0.6, 1000)
    parasitized = np.r_[0.3, 0.4, np.full(48, 0.9)]
    probs, labels = np.r_[healthy, parasitized], np.r_[np.zeros(1000), np.ones(50)]
    assert choose_threshold(probs, labels) == 0.9
    assert choose_threshold(np.tile(probs, 3), np.tile(labels, 3)) <= 0.4  # 150: the floor


def test_count_threshold_balances_false_calls_against_misses():
    """4 % of healthy cells score 0.5, as do 10 % of infected ones: at 0.5 a field of healthy
    cells would count 4 % parasitized, at 0.95 an infected cell is missed one time in ten, which
    at a few percent parasitemia errs far less."""
    probs = np.r_[np.full(960, 0.05), np.full(40, 0.5), np.full(100, 0.5), np.full(900, 0.95)]
    labels = np.r_[np.zeros(1000), np.ones(1000)]
    assert choose_threshold(probs, labels, min_sensitivity=0.95) == 0.5
    assert choose_count_threshold(probs, labels) == 0.95
    assert choose_count_threshold(probs, labels, parasitemias=(0.5,)) == 0.5
