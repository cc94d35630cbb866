"""Reviewed cells from the app's CSV reports: the technician's final call is the label.

Only rows whose ``review`` is set (confirmed or overridden) are labelled. Each image is read
again and must still have the ``image_sha256`` its rows record, or the whole adaptation is
refused: a label must belong to the pixels it was given for. A report whose summary beside it
was written by another run is refused too: the pair was cut short. A cell of a whole field is found
again by screening's own cell finder and paired with its row's box; the field's other cells
stay unlabelled (they set the field's standardizing, as when it was screened).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from malariascope.core.adapt.cells import UNLABELLED
from malariascope.core.adapt.sources import (
    MIN_IOU,
    Chunk,
    SourceRecord,
    labelled_chunk,
    read_image_hashed,
)
from malariascope.core.dataset import CLASS_NAMES
from malariascope.core.errors import DatasetError, ImageReadError, SourceChangedError
from malariascope.core.fields.boxes import mutual_best_pairs
from malariascope.core.preprocess import to_model_input
from malariascope.core.report import ENCODING, OK
from malariascope.core.screening import field_inputs
from malariascope.core.summary import check_pair
from malariascope.core.tally import CONFIRMED, OVERRIDDEN

NEEDED = ("image_path", "image_sha256", "review", "final_call", "status", "sample_id",
          "cell_index", "cell_x", "cell_y", "cell_w", "cell_h")


class ReviewedReport:
    """A report CSV written by MalariaScope; its reviewed rows are the labelled cells.

    Cells are grouped by the batch's ``sample_id`` (one slide) where it is set, else by
    image: cells of one slide are never on both sides of a split.
    """

    kind = "reviewed report"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record = SourceRecord(self.kind, str(path.resolve()))

    def chunks(self, size: int) -> Iterator[Chunk]:
        data = self.path.read_bytes()
        self.record.sha256 = hashlib.sha256(data).hexdigest()
        for image_text, rows in _reviewed_rows(self.path, data).items():
            image = self._image(image_text, rows)
            group = f"{self.path}:{rows[0][1]['sample_id'] or image_text}"
            if rows[0][1]["cell_index"]:
                yield from self._field_chunk(image, rows, size, group, f"{self.path}:{image_text}")
            else:
                cell = to_model_input(image, size)
                yield labelled_chunk(self.record, [cell], [_label(rows[-1][1])], group)

    def _image(self, image_text: str, rows: list[tuple[int, dict]]) -> np.ndarray:
        """The image of these rows, refused unless its bytes hash to their ``image_sha256``."""
        line, row = rows[0]
        path = _resolve(image_text, self.path.parent)
        where = f"{self.path.name} line {line}"
        try:
            image, sha256 = read_image_hashed(path)
        except ImageReadError as exc:
            raise SourceChangedError(f"{where}: cannot read the reviewed image {path}: {exc}; "
                                     "nothing was adapted") from exc
        if sha256 != row["image_sha256"]:
            raise SourceChangedError(
                f"{where}: {path} is not the image that was reviewed (sha256 {sha256[:12]}... "
                f"instead of {row['image_sha256'][:12]}...); nothing was adapted")
        return image

    def _field_chunk(self, image: np.ndarray, rows: list[tuple[int, dict]], size: int,
                     group: str, field_name: str) -> Iterator[Chunk]:
        """The field's cells found again; reviewed ones take their row's final call."""
        found, inputs = field_inputs(image, size)
        boxes = [tuple(int(row[key]) for key in ("cell_x", "cell_y", "cell_w", "cell_h"))
                 for _, row in rows]
        labels = [UNLABELLED] * len(found)
        pairs = mutual_best_pairs([cell.box for cell in found], boxes, MIN_IOU)
        for i, j in pairs:
            labels[i] = _label(rows[j][1])
        self.record.skipped += len(rows) - len(pairs)
        if pairs:
            yield labelled_chunk(self.record, inputs, labels, group, field_name)


def _reviewed_rows(path: Path, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """``image_path -> [(line, row), ...]`` of the reviewed, screened rows, in file order."""
    try:
        reader = csv.DictReader(data.decode(ENCODING).splitlines())
        missing = [name for name in NEEDED if name not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path} is not a MalariaScope report: it lacks "
                               f"{', '.join(missing)}")
        rows: dict[str, list[tuple[int, dict]]] = {}
        run_ids = set()
        for line, row in enumerate(reader, 2):
            run_ids.add(row.get("run_id") or "")
            if row["review"] in (CONFIRMED, OVERRIDDEN) and row["status"] == OK:
                _check_row(path, line, row)
                rows.setdefault(row["image_path"], []).append((line, row))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"{path} is not a readable CSV report: {exc}") from exc
    if len(run_ids) == 1:  # one run's report (not several joined): its summary must match
        check_pair(path, run_ids.pop())
    return rows


def _check_row(path: Path, line: int, row: dict) -> None:
    """A reviewed row must name a class and, for a field cell, a whole box."""
    if row["final_call"] not in CLASS_NAMES:
        raise DatasetError(f"{path.name} line {line}: final_call {row['final_call']!r} is "
                           f"neither {' nor '.join(CLASS_NAMES)}")
    if row["cell_index"] and not all(
            row[key].isdigit() for key in ("cell_x", "cell_y", "cell_w", "cell_h")):
        raise DatasetError(f"{path.name} line {line}: a field cell without a whole box")


def _label(row: dict) -> int:
    return CLASS_NAMES.index(row["final_call"])


def _resolve(image_text: str, report_folder: Path) -> Path:
    """The image a row names: as written (absolute, or relative to where the batch ran),
    else beside the report under the same relative path, else beside it by name."""
    path = Path(image_text)
    for candidate in (path, report_folder / path, report_folder / path.name):
        if candidate.is_file():
            return candidate
    return path
