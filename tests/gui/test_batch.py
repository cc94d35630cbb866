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
    batch.events.reviewed.connect(lambda row: seen.append(("reviewed", row)))
    batch.events.relabelled.connect(lambda: seen.append(("relabelled",)))
    batch.extend(_results()[:2])
    batch.set_review(0, "parasitized")
    batch.set_threshold(0.6)
    batch.set_threshold(0.6)  # no change, no event
    assert seen == [("appended", 5, 6), ("reviewed", 0), ("relabelled",)]


def test_review_is_confirmed_or_overridden_against_the_current_call(batch):
    assert batch.confirm(3) and batch.review(3) == "confirmed"
    assert batch.set_review(0, "parasitized") and batch.review(0) == "overridden"
    assert batch.final_call(0) == "parasitized"
    assert batch.counts.reviewed == 2 and batch.counts.parasitized == 3
    batch.set_threshold(0.05)  # now the model calls cell 0 parasitized too
    assert batch.review(0) == "confirmed"
    batch.set_review(0, None)
    assert batch.review(0) == "" and batch.counts.reviewed == 1


def test_error_rows_cannot_be_reviewed(batch):
    assert not batch.set_review(4, "parasitized")
    assert not batch.confirm(4)
    assert batch.review(4) == "" and batch.call(4) == ""
    with pytest.raises(ValueError, match="unknown call"):
        batch.set_review(0, "maybe")


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
