"""Reviewed reports as a lab hands them back: moved, re-saved, edited by hand; real cells."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.reports import ReviewedReport
from malariascope.core.classifier import Classifier
from malariascope.core.errors import DatasetError
from malariascope.core.pipeline import screen
from malariascope.core.report import summary_path
from tests.core.test_adapt_sources import reviewed_report


@pytest.fixture(scope="module")
def batch(tmp_path_factory, real_cells) -> Path:
    """``batch/cells/{parasitized,uninfected}/`` of real cells and ``batch/report.csv``, every
    row reviewed by its class folder, written with relative image paths as a run in
    ``batch`` writes them."""
    folder = tmp_path_factory.mktemp("batch")
    paths = []
    for label, files in real_cells.items():
        (folder / "cells" / label).mkdir(parents=True)
        paths += [Path(shutil.copy(path, folder / "cells" / label)).relative_to(folder)
                  for path in files[:3]]
    classifier = Classifier.open()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        results = list(screen(paths, classifier))
    reviews = {i: path.parent.name for i, path in enumerate(paths)}
    return reviewed_report(folder / "report.csv", results, classifier, reviews)


def chunks_of(report: Path) -> list:
    return list(ReviewedReport(report).chunks(Classifier.open().input_size, Repeats()))


def test_a_same_named_image_where_adapt_runs_does_not_hide_the_reviewed_one(batch, tmp_path,
                                                                             monkeypatch):
    """Run from another folder that holds a different image under the row's relative path,
    the reviewed image beside the report is the one read, not a refusal."""
    cells = batch.parent / "cells"
    for folder in cells.iterdir():
        other = tmp_path / "cells" / folder.name
        shutil.copytree(cells / ("uninfected" if folder.name == "parasitized"
                                 else "parasitized"), other)
        for wrong, right in zip(sorted(other.iterdir()), sorted(folder.iterdir()), strict=True):
            wrong.rename(other / right.name)  # the same name, another cell's bytes
    monkeypatch.chdir(tmp_path)
    assert sorted(int(chunk.labels[0]) for chunk in chunks_of(batch)) == [0, 0, 0, 1, 1, 1]


def test_an_image_chosen_among_same_named_ones_is_hashed_once(batch, tmp_path, monkeypatch):
    """Where two places held a row's image, each was hashed to find the reviewed one, and the
    one chosen was then read and hashed again: every reviewed image of the report hashed
    twice. Its bytes, read once to choose it, are the ones decoded."""
    cells = batch.parent / "cells"
    shutil.copytree(cells, tmp_path / "cells")  # the same images where adapt runs from
    monkeypatch.chdir(tmp_path)
    digests: list[str] = []
    real = hashlib.sha256

    class Counted:
        """sha256, each digest told to ``digests``."""

        def __init__(self, data: bytes = b"") -> None:
            self._hash = real(data)

        def update(self, data: bytes) -> None:
            self._hash.update(data)

        def hexdigest(self) -> str:
            digests.append(self._hash.hexdigest())
            return digests[-1]

    monkeypatch.setattr(hashlib, "sha256", Counted)
    assert sorted(int(chunk.labels[0]) for chunk in chunks_of(batch)) == [0, 0, 0, 1, 1, 1]
    reviewed = [real(path.read_bytes()).hexdigest() for path in cells.rglob("*.png")]
    assert len(reviewed) == 6 and all(digests.count(sha) == 1 for sha in reviewed)


def resaved(report: Path, to: Path, delimiter: str = ",", edit=None) -> Path:
    """``report`` as a spreadsheet saves it again: CRLF lines, ``delimiter`` between fields
    (Excel in a comma-decimal locale writes semicolons), each row changed by ``edit``."""
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(to, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), delimiter=delimiter,
                                lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(edit(row) or row if edit else row for row in rows)
    shutil.copy(summary_path(report), summary_path(to))
    return to


def typed_by_hand(row: dict) -> dict:
    """The review and call typed again by hand: capitals, a stray space."""
    return {**row, "review": f" {row['review'].capitalize()}",
            "final_call": f"{row['final_call'].upper()} ", "status": row["status"].upper()}


@pytest.mark.parametrize(("delimiter", "edit"), [(";", None), (",", typed_by_hand),
                                                 (";", typed_by_hand)])
def test_a_report_saved_again_by_a_spreadsheet_keeps_every_reviewed_cell(batch, delimiter,
                                                                         edit):
    """A semicolon-separated report was refused as lacking every column, and hand-typed
    calls in another case were silently left out: 0 cells, refused as too few."""
    again = batch.with_name(f"again-{ord(delimiter)}-{edit is None}.csv")
    report = resaved(batch, again, delimiter, edit)
    assert sorted(int(chunk.labels[0]) for chunk in chunks_of(report)) == [0, 0, 0, 1, 1, 1]


def test_a_review_that_says_neither_call_is_refused_with_its_line(batch):
    report = resaved(batch, batch.with_name("yes.csv"), edit=lambda row: row.update(
        review="yes"))
    with pytest.raises(DatasetError, match="yes.csv line 2: review 'yes' is none of "
                                           "confirmed, overridden, unsure or empty"):
        chunks_of(report)
