"""The Qt-free batch: counts, reviews, live re-labelling, and the rows it exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from malariascope.core.classifier import CallRule
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.report import COLUMNS
from malariascope.gui.batch import Batch

RULE = CallRule(0.5, (0.3, 0.7))
PROBABILITIES = (0.1, 0.35, 0.55, 0.9, None)  # None: an unreadable file


def _results() -> list[ScreeningResult]:
    return [ScreeningResult(Path(f"cell_{i}.png"), sha256=f"{i:064x}", probability=p,
                            error="" if p is not None else "empty file (0 bytes)")
            for i, p in enumerate(PROBABILITIES)]


@pytest.fixture
def batch() -> Batch:
    batch = Batch()
    batch.set_model("test-model 1.0", "ab" * 32, RULE)
    batch.extend(_results())
    return batch


def test_counts_follow_results(batch):
    counts = batch.counts
    assert (counts.rows, counts.errors, counts.parasitized, counts.uninfected) == (5, 1, 2, 2)
    assert counts.uncertain == 2  # 0.35 and 0.55 lie in [0.3, 0.7)
    assert counts.percent_parasitized == pytest.approx(50.0)


def test_events_announce_changes(batch):
    seen = []
    batch.events.appended.connect(lambda first, last: seen.append(("appended", first, last)))
    batch.events.reviewed.connect(lambda rows: seen.append(("reviewed", rows)))
    batch.events.relabelled.connect(lambda: seen.append(("relabelled",)))
    batch.extend(_results()[:2])
    batch.set_review(0, "parasitized")
    batch.set_threshold(0.6)
    batch.set_threshold(0.6)  # no change, no event
    batch.set_reviews({3: "uninfected", 1: "unsure", 4: "parasitized"})  # 4: no call, left out
    assert seen == [("appended", 5, 6), ("reviewed", [0]), ("relabelled",), ("reviewed", [1, 3])]


def test_review_is_confirmed_or_overridden_against_the_call_seen_when_pressed(batch):
    assert batch.confirm(3) and batch.review(3) == "confirmed"
    assert batch.set_review(0, "parasitized") and batch.review(0) == "overridden"
    assert batch.final_call(0) == "parasitized"
    assert batch.counts.reviewed == 2 and batch.counts.parasitized == 3
    batch.set_threshold(0.05)  # now the model calls cell 0 parasitized too
    assert batch.review(0) == "overridden"  # the reviewer overrode the call they saw
    batch.set_review(0, None)
    assert batch.review(0) == "" and batch.counts.reviewed == 1


def test_error_rows_cannot_be_reviewed(batch):
    assert not batch.set_review(4, "parasitized")
    assert not batch.confirm(4)
    assert batch.review(4) == "" and batch.call(4) == ""
    with pytest.raises(ValueError, match="unknown review"):
        batch.set_review(0, "maybe")


def test_a_review_records_who_pressed_what_on_which_call_and_when(batch):
    batch.set_operator("Ana")
    batch.confirm(3)
    decision = batch.decision(3)
    assert (decision.reviewer, decision.model_call, decision.pressed) == (
        "Ana", "parasitized", "parasitized")
    assert decision.at.endswith("+00:00")  # UTC, as every record
    batch.set_operator("Ben")  # a second reader takes over
    batch.set_review(3, "uninfected")
    batch.set_review(3, None)
    assert [(d.reviewer, d.pressed) for d in batch.history] == [
        ("Ana", "parasitized"), ("Ben", "uninfected"), ("Ben", "")]
    assert batch.decision(3) is None and batch.review(3) == ""


def test_unsure_leaves_the_cell_unreviewed_with_the_models_call(batch):
    assert batch.set_review(2, "unsure")
    assert batch.review(2) == "unsure" and not batch.reviewed(2)
    assert batch.final_call(2) == "parasitized" == batch.call(2)
    assert batch.counts.reviewed == 0 and batch.counts.unreviewed_uncertain == 2
    batch.set_review(1, "uninfected")
    assert batch.first_unreviewed_uncertain() == 2  # still waits for a reader
    batch.set_threshold(0.6)  # the final call of an unsure cell follows the model
    assert batch.final_call(2) == "uninfected"


def test_a_confirmed_review_keeps_what_was_pressed_when_the_threshold_moves(batch):
    """The review column, like the audit, keeps what the reviewer saw and pressed: a record
    never says the reviewer disagreed when they confirmed; the call is the model's now."""
    batch.set_operator("Ana")
    batch.confirm(2)  # 0.55 at 0.5: parasitized, confirmed
    batch.set_threshold(0.6)  # now the model says uninfected
    row = list(batch.snapshot().rows())[2]
    assert (row["review"], row["final_call"], row["call"]) == (
        "confirmed", "parasitized", "uninfected")
    assert (row["reviewer_call"], row["call_at_review"], row["reviewed_by"]) == (
        "parasitized", "parasitized", "Ana")
    assert row["reviewed_at"] == batch.decision(2).at


def test_several_cells_are_reviewed_in_one_change_that_gives_back_what_undoes_it(batch):
    batch.set_review(0, "parasitized")
    edits = batch.edits
    before = batch.set_reviews({0: "uninfected", 1: "parasitized", 2: "unsure"})
    assert before == {0: "parasitized", 1: None, 2: None}
    assert [batch.final_call(row) for row in range(3)] == [
        "uninfected", "parasitized", "parasitized"]
    assert batch.edits == edits + 1  # one change for three cells
    batch.set_reviews(before)
    assert [batch.review(row) for row in range(3)] == ["overridden", "", ""]
    assert batch.counts.reviewed == 1


def test_threshold_relabels_without_new_results(batch):
    batch.set_threshold(0.3)
    assert [batch.call(row) for row in range(4)] == ["uninfected", "parasitized",
                                                     "parasitized", "parasitized"]
    assert batch.counts.parasitized == 3
    assert batch.facts.rule.threshold == 0.3 and batch.facts.default_threshold == 0.5


def test_snapshot_rows_carry_reviews_and_batch_facts(batch):
    batch.set_sample_id("S-1")
    batch.set_operator("Ana")
    batch.set_review(1, "parasitized")
    batch.confirm(2)
    rows = list(batch.snapshot().rows())
    assert len(rows) == 5 and all(tuple(row) == COLUMNS for row in rows)
    assert [row["review"] for row in rows] == ["", "overridden", "confirmed", "", ""]
    assert [row["reviewer_call"] for row in rows] == ["", "parasitized", "parasitized", "", ""]
    assert [row["call_at_review"] for row in rows] == ["", "uninfected", "parasitized", "", ""]
    assert [row["final_call"] for row in rows] == ["uninfected", "parasitized", "parasitized",
                                                   "parasitized", ""]
    assert rows[4]["status"] == "error" and rows[4]["error"] == "empty file (0 bytes)"
    assert {(row["sample_id"], row["operator"]) for row in rows} == {("S-1", "Ana")}


def test_clear_starts_a_new_batch_keeping_sample_facts(batch):
    batch.set_sample_id("S-2")
    batch.set_review(0, "parasitized")
    batch.clear()
    assert len(batch) == 0 and batch.counts.rows == 0 and not batch.unsaved
    assert batch.facts.sample_id == "S-2"


def _field_results() -> list[ScreeningResult]:
    """A single cell, a whole field of four cells, and a field where none was found."""
    field = Path("field.jpg")
    cells = [ScreeningResult(field, sha256="f" * 64, probability=p, whole_field=True,
                             cell_index=i + 1, box=(10 * i, 5, 8, 9), image_shape=(600, 800))
             for i, p in enumerate((0.9, 0.2, 0.4, 0.1))]
    empty = ScreeningResult(Path("glass.jpg"), error="no cells found in this whole field",
                            whole_field=True)
    return [ScreeningResult(Path("cell.png"), probability=0.8), *cells, empty]


def test_field_counts_and_rows_follow_reviews():
    batch = Batch()
    batch.set_model("m", "ab" * 32, RULE)
    batch.extend(_field_results())
    assert batch.has_fields and batch.field_rows(Path("field.jpg")) == [1, 2, 3, 4]
    assert batch.field_rows(Path("cell.png")) == []
    field = batch.field_counts(Path("field.jpg"))
    assert (field.classified, field.parasitized, field.percent_parasitized) == (4, 1, 25.0)
    batch.set_review(2, "parasitized")
    assert batch.field_counts(Path("field.jpg")).percent_parasitized == 50.0
    assert batch.field_counts(Path("glass.jpg")).classified == 0
    assert batch.field_counts(Path("cell.png")) is None
    batch.clear()
    assert not batch.has_fields


def test_counts_on_screen_are_the_counts_in_the_report():
    """The summary panel and the summary CSV count with one function: they cannot drift."""
    from malariascope.core.report import verdict
    from malariascope.core.tally import Tally

    batch = Batch()
    batch.set_model("m", "ab" * 32, RULE)
    batch.extend(_results() + _field_results())
    batch.set_review(1, "parasitized")
    batch.confirm(7)
    batch.set_review(2, "unsure")
    batch.set_threshold(0.3)
    rows = list(batch.snapshot().rows())
    assert rows[6]["cell_index"] == "1" and rows[6]["cell_x"] == "0" and rows[5]["cell_x"] == ""
    tally = Tally()
    for row in rows:
        tally.add(verdict(row))
    assert tally.batch == batch.counts
    assert tally.fields == {"field.jpg": batch.field_counts(Path("field.jpg")),
                            "glass.jpg": batch.field_counts(Path("glass.jpg"))}


def test_field_cells_are_called_at_the_field_threshold():
    """A field cell the screening threshold would call stays uncertain below the field
    threshold; the report says which threshold made each call."""
    field = Path("field.jpg")
    batch = Batch()
    batch.set_model("m", "ab" * 32, CallRule(0.5, (0.3, 0.7), field_threshold=0.85))
    batch.extend([ScreeningResult(Path("cell.png"), probability=0.6),
                  *(ScreeningResult(field, probability=p, whole_field=True, cell_index=i + 1,
                                    box=(10 * i, 5, 8, 9), image_shape=(600, 800))
                    for i, p in enumerate((0.6, 0.99, 0.1)))])
    assert [batch.call(row) for row in range(4)] == [
        "parasitized", "uninfected", "parasitized", "uninfected"]
    assert [batch.uncertain(row) for row in range(4)] == [True, True, False, False]
    assert batch.field_counts(field).percent_parasitized == pytest.approx(100 / 3)
    assert [row["threshold"] for row in batch.snapshot().rows()] == [
        "0.5000", "0.8500", "0.8500", "0.8500"]
    batch.set_threshold(0.3)  # the field threshold keeps its odds ratio to the threshold
    assert batch.facts.rule.field_threshold == pytest.approx(1 / (1 + 3 / 17 / (3 / 7)))
