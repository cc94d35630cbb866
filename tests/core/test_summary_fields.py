"""The summary's table of whole fields, written and read back: a real field through the real
pipeline, with the technician's review of some of its cells."""

from __future__ import annotations

import pytest

from malariascope.core.case import ReviewDecision
from malariascope.core.classifier import Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.report import ReportWriter, report_row, summary_path
from malariascope.core.summary import FIELD_COLUMNS
from malariascope.core.tally import UNSURE
from tests.conftest import SHARED_DATA
from tests.reports import read_rows, read_summary

FIELD = SHARED_DATA / "fields" / "PA171705.JPG"  # 3 of its cells typed parasitized


@pytest.mark.skipif(not FIELD.is_file(), reason=f"shared field not found at {FIELD}")
def test_each_field_counts_its_flagged_cells_not_reviewed_and_those_marked_unsure(tmp_path):
    """The summary counted the cells flagged and not reviewed, and those marked unsure, for
    the batch alone: its table of fields had no such columns, so a slide of many fields did
    not say which field still waited for a second reader."""
    classifier = Classifier.open()
    facts = BatchFacts.of(classifier, operator="Ann")
    results = [r for r in screen([FIELD], classifier) if r.ok]
    calls = [classifier.rule.call(r.probability, r.in_field) for r in results]
    quiet = next(i for i, r in enumerate(results) if calls[i] == "uninfected"
                 and not classifier.rule.uncertain(r.probability, r.in_field))
    reviews = {quiet: _decision(quiet, calls[quiet], UNSURE)}
    flagged = [i for i, r in enumerate(results) if calls[i] == "parasitized"
               or classifier.rule.uncertain(r.probability, r.in_field)]
    reviews[flagged[0]] = _decision(flagged[0], calls[flagged[0]], calls[flagged[0]])
    report = tmp_path / "field.csv"
    with ReportWriter(report, facts) as writer:
        for index, result in enumerate(results):
            writer.add(report_row(result, facts, reviews.get(index)))
    assert sum(row["review"] == UNSURE for row in read_rows(report)) == 1
    batch, fields = read_summary(summary_path(report))
    field = fields[str(FIELD)]
    assert list(field)[-2:] == ["flagged_not_reviewed", "marked_unsure"]  # columns appended
    assert tuple(field) == FIELD_COLUMNS
    waiting = len(flagged)  # the flagged cells but the one confirmed, and the one marked unsure
    assert (field["flagged_not_reviewed"], field["marked_unsure"]) == (str(waiting), "1")
    assert (batch["flagged_not_reviewed"], batch["marked_unsure"]) == (str(waiting), "1")
    assert field["reviewed"] == "1"


def _decision(row: int, model_call: str, pressed: str) -> ReviewDecision:
    """Ann's review of the cell in ``row``: ``pressed`` on the model's ``model_call``."""
    final = model_call if pressed == UNSURE else pressed
    return ReviewDecision(row, "Ann", "2026-12-07T12:00:00Z", model_call, pressed, final)
