"""One real field reaching an adaptation by two routes: reviewed in a report, then annotated."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.adapt.cells import UNLABELLED, LabelledCells, group_folds
from malariascope.core.adapt.features import read_sources
from malariascope.core.adapt.measure import fold_count
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.adapt.sources import AnnotatedFields, SourceRecord
from malariascope.core.classifier import Classifier
from malariascope.core.options import CLASS_NAMES
from malariascope.core.pipeline import screen
from tests.conftest import SHARED_DATA
from tests.core.test_adapt_sources import reviewed_report

FIELDS = SHARED_DATA / "fields"
REVIEWED = "PA171705.JPG"  # 3 of the cells found in it typed parasitized, 122 healthy
OTHERS = ("PA171693.JPG", "PA171804.JPG")


def annotations_of(folder: Path, names: tuple[str, ...]) -> Path:
    """The shared fields' annotations of ``names`` alone, written in ``folder``."""
    entries = json.loads((FIELDS / "annotations.json").read_text(encoding="utf-8"))
    path = folder / "annotations.json"
    path.write_text(json.dumps([e for e in entries if e["image_name"] in names]),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def routes(tmp_path_factory, classifier: Classifier
           ) -> tuple[LabelledCells, LabelledCells, list[SourceRecord]]:
    """The reviewed field's annotated cells alone; then a report reviewing its parasitized
    cells and a few healthy ones (as a technician reviews the suspicious cells) read before
    the annotations of it and two other fields; and that reading's records."""
    if not FIELDS.is_dir():
        pytest.skip(f"shared fields not found at {FIELDS} (../shared/data beside the project)")
    folder = tmp_path_factory.mktemp("routes")
    alone, _ = read_sources([AnnotatedFields(FIELDS, annotations_of(folder, (REVIEWED,)))],
                            classifier)
    rows = [*np.flatnonzero(alone.labels == 1), *np.flatnonzero(alone.labels == 0)[:3]]
    results = list(screen([FIELDS / REVIEWED], classifier))  # row i is found cell i
    report = reviewed_report(folder / "report.csv", results, classifier,
                             {row: CLASS_NAMES[alone.labels[row]] for row in rows})
    annotated = AnnotatedFields(FIELDS, annotations_of(folder, (REVIEWED, *OTHERS)))
    both, records = read_sources([ReviewedReport(report), annotated], classifier)
    return alone, both, records


def annotated_field(cells: LabelledCells, name: str) -> np.ndarray:
    """Which of ``cells`` were read from the annotated field ``name``."""
    return cells.fields == f"{FIELDS}:{name}"


def test_a_field_reviewed_before_its_annotations_keeps_its_whole_census(routes):
    """The annotated copy of a field reviewed first lost its reviewed cells' types, so its
    census read a parasitemia of 0 where the reader typed 3 of its cells parasitized."""
    alone, both, (report, annotated) = routes
    assert alone.field_parasitemias() == [3 / 125]
    shares = both.field_parasitemias()
    assert len(shares) == 1 + len(OTHERS) and 3 / 125 in shares
    field = annotated_field(both, REVIEWED)
    assert (both.census[field] == alone.labels).all()  # the reader's type of every cell
    reviewed = sum(report.cells.values())
    assert reviewed == 6 and annotated.repeated == reviewed  # each fitted once, where first read
    assert (both.labels[field] != UNLABELLED).sum() == alone.labelled.sum() - reviewed


def test_a_fields_cells_given_by_two_routes_share_a_fold(routes):
    """The field's reviewed cells, grouped by the report's sample, and its annotated cells,
    grouped by the field, fell in different folds of the held-out measure: the field was
    fitted on and measured at once."""
    _, both, _ = routes
    field = np.char.endswith(both.fields, REVIEWED)
    assert len(set(both.fields[field])) == 2  # the report's copy and the annotated one
    folds = group_folds(both.groups, both.labels, fold_count(both))
    assert len(set(folds[field])) == 1
    assert fold_count(both) == 1 + len(OTHERS)  # the sample and its field are one group
    assert len(set(folds)) == fold_count(both)
