"""Lab adaptation leaves out a whole field that does not look like a blood smear, as
screening refuses it (``core.fields.smear``), through the real sources and the bundled
model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.adapt.run import open_source
from malariascope.core.classifier import Classifier
from malariascope.core.fields import find_cells
from malariascope.core.imageio import read_image
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.withoutcall import NOT_A_SMEAR
from tests.core.test_adapt_sources import annotated_field, reviewed_report
from tests.images import write_rgb
from tests.nonsmears import chart, discs, noise

#: A chart, noise and a photo: the pictures of ``tests.nonsmears`` found quickest
PICTURES = (chart, noise, discs)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


def write_pictures(folder: Path) -> list[Path]:
    return [write_rgb(folder / f"{make.__name__}.jpg", make()) for make in PICTURES]


def refusal(picture: Path, classifier: Classifier) -> str:
    """Why screening refuses ``picture``, as its report's row tells it."""
    (result,) = screen([picture], classifier)
    assert result.error.startswith(NOT_A_SMEAR)
    return result.error


def annotate_found_cells(folder: Path, pictures: list[Path]) -> None:
    """Add to ``folder``'s annotations every "cell" the finder finds in ``pictures``, typed
    as a ring by turns: each would be a labelled cell to fit."""
    annotations = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    for picture in pictures:
        boxes = [cell.box for cell in find_cells(read_image(picture))]
        assert boxes, picture  # the finder takes it for cells: only the smear check refuses
        annotations.append({"image_name": picture.name, "objects": [
            {"type": "ring" if i % 2 else "red blood cell",
             "bbox": dict(zip("xywh", map(str, box), strict=True))}
            for i, box in enumerate(boxes)]})
    (folder / "annotations.json").write_text(json.dumps(annotations), encoding="utf-8")


def test_annotated_fields_leave_out_a_picture_that_is_no_smear(tmp_path, classifier):
    """A photo, a chart or noise annotated among a lab's fields gave its "cells" to the
    head's fit: adaptation found and cropped them without the check screening makes."""
    field, _ = annotated_field(tmp_path)
    pictures = write_pictures(tmp_path)
    annotate_found_cells(tmp_path, pictures)
    source = open_source(tmp_path)
    chunks = list(source.chunks(classifier.input_size, Repeats()))
    assert [chunk.field for chunk in chunks] == [f"{tmp_path}:{field.name}"]
    assert source.record.skipped == len(pictures)
    first = min(pictures)  # the annotations are read in order of name
    assert source.record.why_skipped == f"{first.name}: {refusal(first, classifier)}"


def test_a_reviewed_report_leaves_out_a_picture_that_is_no_smear(tmp_path, classifier):
    """A report that reviewed the "cells" of a chart (screened before screening refused such
    pictures) gave them to the head's fit, found again without the smear check."""
    (picture,) = write_pictures(tmp_path)[:1]
    sha256 = hashlib.sha256(picture.read_bytes()).hexdigest()
    results = [ScreeningResult(picture, sha256, probability=0.1, raw_probability=0.1,
                               whole_field=True, cell_index=i + 1, box=cell.box)
               for i, cell in enumerate(find_cells(read_image(picture)))]
    reviews = dict.fromkeys(range(len(results)), "uninfected")
    report = ReviewedReport(reviewed_report(tmp_path / "report.csv", results, classifier,
                                            reviews))
    assert list(report.chunks(classifier.input_size, Repeats())) == []
    assert report.record.skipped == 1
    assert report.record.why_skipped == f"{picture.name}: {refusal(picture, classifier)}"
