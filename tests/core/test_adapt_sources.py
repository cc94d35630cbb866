"""Where adaptation's cells come from: reviewed reports, annotated fields; and the warning that
a batch looks unlike the model's cells."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.adapt.cells import UNLABELLED
from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.adapt.run import open_source
from malariascope.core.adapt.sources import AnnotatedFields, ClassFolders
from malariascope.core.adapt.unlike import SHIFT_LIMIT, UNCERTAIN_LIMIT, unlike_cells
from malariascope.core.case import ReviewDecision
from malariascope.core.classifier import Classifier, calibrated
from malariascope.core.errors import CallsDisagreeError, ReportPairError, SourceChangedError
from malariascope.core.facts import BatchFacts
from malariascope.core.options import CLASS_NAMES
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.report import report_row, summary_path, write_report
from malariascope.core.tally import PARASITIZED, UNINFECTED
from tests.core.test_adapt_model import PER_CLASS, SLIDES, write_lab
from tests.images import make_cell, write_field, write_rgb


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


@pytest.fixture(scope="module")
def screened(tmp_path_factory, classifier):
    """Four cell images and a generated whole field, screened by the bundled model."""
    folder = tmp_path_factory.mktemp("batch")
    cells = [write_rgb(folder / f"cell{i}.png", make_cell(parasitized=bool(i % 2), seed=i))
             for i in range(4)]
    field, _ = write_field(folder / "field.png")
    return folder, list(screen([*cells, field], classifier))


def reviewed_report(path: Path, results: list[ScreeningResult], classifier: Classifier,
                    reviews: dict[int, str], sample_id: str = "S7") -> Path:
    """The report the app writes after the technician reviewed the rows ``reviews`` names
    (row index -> final call)."""
    facts = BatchFacts.of(classifier, sample_id=sample_id)
    rows = [report_row(r, facts, _decision(i, r, facts, reviews.get(i)))
            for i, r in enumerate(results)]
    return write_report(path, rows, facts)


def _decision(row: int, result: ScreeningResult, facts: BatchFacts,
              pressed: str | None) -> ReviewDecision | None:
    if pressed is None:
        return None
    model_call = facts.rule.call(result.probability, result.in_field)
    return ReviewDecision(row, "reviewer", "2026-12-03T10:00:00Z", model_call, pressed, pressed)


def test_a_report_beside_the_summary_of_another_run_is_refused(screened, classifier, tmp_path):
    """A run killed between its two renames leaves its report beside the summary of the run
    before: the two are not read as a pair."""
    _, results = screened
    facts = BatchFacts.of(classifier)
    first, second = (write_report(tmp_path / name, [report_row(r, facts) for r in results],
                                  facts) for name in ("first.csv", "second.csv"))
    summary_path(second).replace(summary_path(first))
    with pytest.raises(ReportPairError, match="first.csv and first_summary.csv are not a pair"):
        list(ReviewedReport(first).chunks(classifier.input_size, Repeats()))


def test_reviewed_rows_are_labelled_by_their_final_call(screened, classifier):
    folder, results = screened
    reviews = {0: PARASITIZED, 1: PARASITIZED, 5: UNINFECTED, 9: PARASITIZED, 12: UNINFECTED}
    report = ReviewedReport(reviewed_report(folder / "report.csv", results, classifier, reviews))
    chunks = list(report.chunks(classifier.input_size, Repeats()))
    singles, fields = chunks[:2], chunks[2:]
    assert [int(c.labels[0]) for c in singles] == [1, 1]  # the first row overridden
    assert len(fields) == 1 and len(fields[0].labels) == 38  # all its cells, found again
    field_rows = [results[i] for i in (5, 9, 12)]
    labelled = fields[0].labels != UNLABELLED
    assert labelled.sum() == 3
    assert [int(v) for v in fields[0].labels[[r.cell_index - 1 for r in field_rows]]] == [0, 1, 0]
    assert all(c.group.endswith(":S7") for c in chunks)  # the sample is one slide
    assert report.record.cells == {"uninfected": 2, "parasitized": 3}


def test_a_reviewed_image_that_changed_refuses_the_report(classifier, tmp_path):
    cells = [write_rgb(tmp_path / f"cell{i}.png", make_cell(seed=i)) for i in range(3)]
    results = list(screen(cells, classifier))
    report = reviewed_report(tmp_path / "report.csv", results, classifier, {2: UNINFECTED})
    write_rgb(cells[2], make_cell(seed=99))  # replaced after the review
    with pytest.raises(SourceChangedError, match=r"report.csv line 4: .*cell2.png is not the "
                                                 "image that was reviewed"):
        list(ReviewedReport(report).chunks(classifier.input_size, Repeats()))
    cells[2].unlink()
    with pytest.raises(SourceChangedError, match="cannot read the reviewed image"):
        list(ReviewedReport(report).chunks(classifier.input_size, Repeats()))


def annotated_field(folder: Path) -> tuple[Path, list[str]]:
    """A generated whole field in ``folder`` with its annotations: every fourth cell a ring,
    the first one difficult; the field and its cells' types."""
    field, boxes = write_field(folder / "field.png")
    kinds = ["ring" if i % 4 == 1 else "red blood cell" for i in range(len(boxes))]
    kinds[0] = "difficult"
    annotations = [{"image_name": "field.png", "objects": [
        {"type": kind, "bbox": dict(zip("xywh", map(str, box), strict=True))}
        for kind, box in zip(kinds, boxes, strict=True)]}]
    (folder / "annotations.json").write_text(json.dumps(annotations), encoding="utf-8")
    return field, kinds


def test_annotated_fields_label_the_cells_screening_finds(tmp_path, classifier):
    field, kinds = annotated_field(tmp_path)
    source = open_source(tmp_path)
    assert isinstance(source, AnnotatedFields)
    (chunk,) = source.chunks(classifier.input_size, Repeats())
    pipeline = [r for r in screen([field], classifier)]
    assert len(chunk.labels) == len(pipeline) == 38
    assert list(chunk.census) == list(chunk.labels)  # a census: every cell typed
    scored = classifier.predict(chunk.inputs).probabilities  # the very crops screening scores
    raw = [r.raw_probability for r in pipeline]
    assert scored == pytest.approx(raw, abs=1e-6)
    assert (chunk.labels == UNLABELLED).sum() == 1  # the difficult one
    assert source.record.cells["parasitized"] == kinds.count("ring")


def field_results(log_odds: np.ndarray) -> list[ScreeningResult]:
    """One whole field's results with these raw log-odds (as the pipeline records them)."""
    return [ScreeningResult(Path("f.jpg"), probability=float(p), raw_probability=float(p),
                            whole_field=True, cell_index=i + 1, box=(0, 0, 9, 9))
            for i, p in enumerate(calibrated(log_odds, 1.0))]


def test_a_field_whose_healthy_cells_sit_far_from_the_models_warns_with_the_shift(classifier):
    median, mad = classifier.card.healthy_log_odds
    spread = np.random.default_rng(0).normal(0, mad, 100)
    near = unlike_cells(field_results(median + spread), classifier.rule, classifier.card)
    assert not near.warn and abs(near.shift) < 0.5 and near.message == ""
    far = unlike_cells(field_results(median + 4 * mad + spread), classifier.rule,
                       classifier.card)
    assert far.warn and far.shift > SHIFT_LIMIT and far.fields == 1
    assert "looks unlike the cells this model learned from" in far.message
    assert (f"score {far.shift:.1f} times the spread of the model's own healthy cells above"
            in far.message)


def test_single_cells_warn_only_when_many_are_uncertain(screened, classifier):
    _, results = screened
    singles = [r for r in results if r.box is None]
    assert unlike_cells(singles, classifier.rule, classifier.card).shift is None
    band = classifier.rule.band
    uncertain = [ScreeningResult(Path(f"{i}.png"), probability=float(np.mean(band)))
                 for i in range(10)]
    sure = [ScreeningResult(Path(f"s{i}.png"), probability=0.001) for i in range(30)]
    measured = unlike_cells(uncertain + sure, classifier.rule, classifier.card)
    assert measured.uncertain_fraction == 0.25 and not measured.warn  # at the limit
    measured = unlike_cells(uncertain + sure[:20], classifier.rule, classifier.card)
    assert measured.uncertain_fraction > UNCERTAIN_LIMIT and measured.warn


def test_an_image_copied_between_class_folders_counts_once_or_refuses(tmp_path, classifier):
    """An image copied into another slide's folder was read as a second cell, in a second
    group; copied into the other class's folder, it was learned as both classes."""
    cells = write_lab(tmp_path / "cells")
    original = cells / "parasitized" / "S0" / "0.png"
    shutil.copy(original, cells / "parasitized" / "S1" / "copy.png")
    source = ClassFolders(cells)
    chunks = list(source.chunks(classifier.input_size, Repeats()))
    assert sum(len(chunk.labels) for chunk in chunks) == 2 * SLIDES * PER_CLASS
    each = SLIDES * PER_CLASS
    assert (source.record.cells, source.record.repeated) == (
        {"uninfected": each, "parasitized": each}, 1)
    shutil.copy(original, cells / "uninfected" / "S2" / "copy.png")
    with pytest.raises(CallsDisagreeError, match=(
            rf"^{re.escape(f'{original} and {cells}')}/uninfected/S2/copy.png are the same cell, "
            "called parasitized in the first and uninfected in the second: leave out the "
            "source whose call is wrong; nothing was adapted$")):
        list(ClassFolders(cells).chunks(classifier.input_size, Repeats()))


def test_a_field_annotated_and_reviewed_in_a_report_gives_each_cell_once(tmp_path, classifier):
    """A field read from its annotations and again from a report reviewing it gave its
    reviewed cells twice, in two groups; a report calling one otherwise was not noticed."""
    field, _ = annotated_field(tmp_path)
    repeats = Repeats()
    (chunk,) = open_source(tmp_path).chunks(classifier.input_size, repeats)
    results = list(screen([field], classifier))  # row i is the field's cell i, as in chunk
    agreed = {row: CLASS_NAMES[chunk.labels[row]] for row in (1, 2, 5)}
    report = ReviewedReport(reviewed_report(tmp_path / "report.csv", results, classifier,
                                            agreed))
    assert list(report.chunks(classifier.input_size, repeats)) == []  # nothing new
    assert report.record.repeated == 3 and sum(report.record.cells.values()) == 0
    other = {1: CLASS_NAMES[1 - chunk.labels[1]]}
    report = ReviewedReport(reviewed_report(tmp_path / "other.csv", results, classifier, other))
    x, y, width, height = results[1].box
    named = re.escape(f"{field} cell 2 and other.csv line 3 (field.png)")
    with pytest.raises(CallsDisagreeError, match=(
            rf"^{named} are the same cell \(the {width}x{height} px box at x {x}, y {y} of its "
            rf"field\), called "
            rf"{CLASS_NAMES[chunk.labels[1]]} in the first and {other[1]} in the second")):
        list(report.chunks(classifier.input_size, repeats))
