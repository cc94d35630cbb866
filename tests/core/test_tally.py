"""One counting for the app's summary panel and the summary CSV: final calls, per field."""

from __future__ import annotations

import pytest

from malariascope.core.tally import Counts, Tally, Verdict, percent_text, review_of

FIELD = "smear/field 1.jpg"


def test_review_is_derived_from_the_final_and_the_model_call():
    assert review_of("parasitized", None) == review_of("parasitized", "") == ""
    assert review_of("parasitized", "parasitized") == "confirmed"
    assert review_of("uninfected", "parasitized") == "overridden"


def test_counts_take_rows_in_and_out_again():
    counts = Counts()
    verdicts = [Verdict("parasitized", uncertain=True), Verdict("uninfected", reviewed=True),
                Verdict("uninfected", uncertain=True, reviewed=True), Verdict("")]
    for verdict in verdicts:
        counts.add(verdict)
    assert (counts.rows, counts.classified, counts.errors) == (4, 3, 1)
    assert (counts.parasitized, counts.uninfected, counts.uncertain, counts.reviewed) == (
        1, 2, 2, 2)
    assert counts.unreviewed_uncertain == 1
    assert counts.percent_parasitized == pytest.approx(100 / 3)
    for verdict in verdicts:
        counts.add(verdict, -1)
    assert counts == Counts() and counts.percent_parasitized == 0.0


def test_tally_counts_each_field_and_images_once():
    tally = Tally()
    tally.add(Verdict("uninfected"))  # a single-cell image
    for call in ("parasitized", "uninfected", "uninfected", "uninfected"):
        tally.add(Verdict(call, field_path=FIELD))
    tally.add(Verdict("", field_path="empty.jpg"))  # a field without cells
    assert tally.images == 3 and list(tally.fields) == [FIELD, "empty.jpg"]
    assert tally.fields[FIELD].percent_parasitized == pytest.approx(25.0)
    assert tally.fields["empty.jpg"].classified == 0
    assert tally.batch.percent_parasitized == pytest.approx(20.0)


def test_counts_keep_the_models_calls_and_the_flagged_cells_left_to_review():
    verdicts = [Verdict("uninfected", reviewed=True, model_call="parasitized"),  # overridden
                Verdict("parasitized"),  # flagged: called parasitized, not reviewed
                Verdict("uninfected", uncertain=True),  # flagged: uncertain, not reviewed
                Verdict("uninfected", uncertain=True, reviewed=True), Verdict("uninfected")]
    counts = Counts()
    for verdict in verdicts:
        counts.add(verdict)
    assert (counts.model_parasitized, counts.parasitized, counts.unreviewed_flagged) == (2, 1, 2)
    for verdict in verdicts:
        counts.add(verdict, -1)
    assert counts == Counts()


def test_a_parasitemia_above_zero_is_never_shown_as_zero_in_a_tile_or_summary():
    """The window's tile (1 decimal) showed "0.0" for 1 parasitized cell of 3,000, and a
    summary CSV (2 decimals) "0.00" for 1 of 30,000: a positive slide read as a clean one."""
    one_in_3000 = Counts(rows=3_000, parasitized=1, uninfected=2_999)
    one_in_30000 = Counts(rows=30_000, parasitized=1, uninfected=29_999)
    assert one_in_3000.percent_text(1, none="–") == "0.03"
    assert one_in_30000.percent_text(2) == "0.003"
    assert Counts(rows=3_000, uninfected=3_000).percent_text(1) == "0.0"
    assert Counts(rows=3_000, parasitized=150, uninfected=2_850).percent_text(1) == "5.0"


def test_a_parasitemia_is_shown_to_its_first_figure_and_never_as_100_below_it():
    """0.00096 % showed as 0.0010 (the rounding carried into the next place), and 29,999
    parasitized cells of 30,000 as 100.00 %."""
    assert percent_text(0.00096) == "0.001"
    assert Counts(rows=30_000, parasitized=29_999, uninfected=1).percent_text(2) == "99.997"
    assert Counts(rows=30_000, parasitized=30_000).percent_text(2) == "100.00"
    assert percent_text(99.96, 1) == "99.96" and percent_text(99.94, 1) == "99.9"
