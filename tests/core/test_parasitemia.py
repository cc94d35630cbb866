"""A slide's figures: the Wilson interval against published values, and the result of counts."""

from __future__ import annotations

import pytest

from malariascope.core.errors import CaseError
from malariascope.core.parasitemia import LIMITS, CaseResult, rounded_density, wilson_interval
from malariascope.core.tally import Counts, Verdict, percent_text

# (successes, trials, low, high): Newcombe (1998), Statistics in Medicine 17:857, table I,
# method 3, to 4 places; R's prop.test(x, n, correct = FALSE)$conf.int and SciPy's
# binomtest(x, n).proportion_ci(method="wilson") to 8 places.
PUBLISHED = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
             (1, 29, 0.0061, 0.1718)]
COMPUTED = [(0, 10, 0.0, 0.27753280), (10, 10, 0.72246720, 1.0), (1, 10, 0.01787621, 0.40415003),
            (0, 1, 0.0, 0.79345069), (1, 1, 0.20654931, 1.0), (3, 5, 0.23072428, 0.88237923),
            (25, 2000, 0.00848108, 0.01838804), (1, 2000, 0.00008827, 0.00282686),
            (0, 2000, 0.0, 0.00191705), (2000, 2000, 0.99808295, 1.0)]


@pytest.mark.parametrize(("successes", "trials", "low", "high"), PUBLISHED)
def test_wilson_interval_matches_newcombes_table(successes, trials, low, high):
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(("successes", "trials", "low", "high"), COMPUTED)
def test_wilson_interval_matches_r_and_scipy_at_none_all_and_few(successes, trials, low, high):
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=5e-9)


@pytest.mark.parametrize(("successes", "trials"), [(0, 0), (-1, 5), (6, 5)])
def test_wilson_interval_refuses_impossible_counts(successes, trials):
    with pytest.raises(ValueError):
        wilson_interval(successes, trials)


def counts_of(parasitized: int, uninfected: int) -> Counts:
    counts = Counts()
    for call, number in (("parasitized", parasitized), ("uninfected", uninfected)):
        for _ in range(number):
            counts.add(Verdict(call))
    return counts


def test_result_of_counts_gives_parasitemia_interval_and_target():
    result = CaseResult.of(counts_of(25, 1975), 2000)
    assert (result.cells_counted, result.parasitized, result.uninfected) == (25 + 1975, 25, 1975)
    assert result.target_reached and result.parasitemia == pytest.approx(1.25)
    assert result.interval == pytest.approx((0.848108, 1.838804), abs=1e-6)
    assert percent_text(result.parasitemia) == "1.25"
    short = CaseResult.of(counts_of(1, 98), 100)
    assert not short.target_reached and short.limits()[0].startswith("Fewer red cells")


def test_parasites_per_ul_only_from_a_red_cell_count_that_was_given():
    counts = counts_of(10, 990)
    assert CaseResult.of(counts, 1000).parasites_per_ul is None
    assert CaseResult.of(counts, 1000, 4_500_000.0).parasites_per_ul == pytest.approx(45_000)


@pytest.mark.parametrize(("value", "shown"), [(366_878.98, 367_000), (1_234_567, 1_230_000),
                                              (62_500, 62_500), (99_950, 100_000),
                                              (45.6, 46), (0, 0)])
def test_parasites_per_ul_are_rounded_to_three_significant_figures(value, shown):
    assert rounded_density(value) == shown


def test_parasites_per_ul_carry_the_wilson_interval_times_the_red_cells_per_ul():
    result = CaseResult.of(counts_of(12, 145), 2000, 4_800_000.0)  # the probe's 157 cells
    low, high = wilson_interval(12, 157)
    assert result.density_interval == pytest.approx((4_800_000 * low, 4_800_000 * high))
    assert result.density_words() == (
        "367,000", " (95 % CI 212,000 to 618,000, from 4,800,000 red cells per µL entered)")
    assert CaseResult.of(counts_of(12, 145), 2000).density_words() is None


def test_counts_before_and_after_review_and_flagged_cells_left():
    counts = Counts()
    counts.add(Verdict("uninfected", reviewed=True, model_call="parasitized"))  # overridden
    counts.add(Verdict("parasitized", reviewed=True, model_call="uninfected"))  # overridden
    counts.add(Verdict("parasitized", reviewed=True))  # confirmed
    counts.add(Verdict("parasitized"))  # flagged, not reviewed
    counts.add(Verdict("uninfected", uncertain=True))  # flagged, not reviewed
    counts.add(Verdict("uninfected"))
    counts.add(Verdict(""))  # an unreadable file
    result = CaseResult.of(counts, 100)
    assert (result.model_parasitized, result.model_uninfected) == (3, 3)
    assert (result.parasitized, result.uninfected) == (3, 3)
    assert (result.reviewed, result.unreviewed_flagged, result.unreadable) == (3, 2, 1)
    assert "2 flagged cells were not reviewed." in result.limits()
    counts.add(Verdict("parasitized", reviewed=True))  # one flagged cell reviewed more
    counts.add(Verdict("parasitized"), sign=-1)
    assert CaseResult.of(counts, 100).shortfalls()[-1] == "1 flagged cell was not reviewed."


def test_nothing_counted_has_no_parasitemia_and_states_its_limits():
    result = CaseResult.of(Counts(), 2000)
    assert result.parasitemia is None and result.interval is None
    assert percent_text(result.parasitemia) == ""
    assert result.limits()[-len(LIMITS):] == LIMITS
    assert any("thick film" in line for line in LIMITS)


def test_nothing_counted_says_there_is_no_parasitemia_not_a_wider_interval():
    """A case cancelled before any cell was called said "Fewer red cells counted (0) than
    the target (100): the interval is wider", of an interval it did not have."""
    assert CaseResult.of(Counts(), 100).shortfalls() == (
        "No red cells counted (the target is 100): there is no parasitemia to give.",)


@pytest.mark.parametrize("changes", [dict(target_cells=99), dict(parasitized=11),
                                     dict(cells_counted=-1), dict(reviewed=True)])
def test_result_refuses_figures_that_cannot_be(changes):
    figures = dict(target_cells=100, cells_counted=10, parasitized=1, model_parasitized=1,
                   reviewed=0, unreviewed_flagged=1)
    with pytest.raises(CaseError):
        CaseResult(**{**figures, **changes})
