"""Reviewed cells from the app's CSV reports: the technician's final call is the label.

Only rows whose ``review`` is set (confirmed or overridden) are labelled; a report with none
(as ``classify`` writes it) is refused, as it has no label to give. Each image is read
again and must still have the ``image_sha256`` its rows record, or the whole adaptation is
refused: a label must belong to the pixels it was given for. A report whose summary beside it
was written by another run is refused too: the pair was cut short. A cell of a whole field is found
again by screening's own cell finder and paired with its row's box; the field's other cells
stay unlabelled (they set the field's standardizing, as when it was screened). A cell read
before, or reviewed twice, is used once (``repeats``). A signed case of the register gives its
reviewed cells the same way (``registered``).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from malariascope.core.adapt.cells import UNLABELLED
from malariascope.core.adapt.repeats import CellId, Repeats
from malariascope.core.adapt.sources import (
    MIN_IOU,
    Chunk,
    SourceRecord,
    labelled_chunk,
    read_image_hashed,
)
from malariascope.core.adapt.wording import REVIEWED_REPORT
from malariascope.core.errors import (
    DatasetError,
    ImageReadError,
    NotASmearError,
    SourceChangedError,
)
from malariascope.core.fields.boxes import mutual_best_pairs
from malariascope.core.imageio import decode_image, read_bytes
from malariascope.core.options import CLASS_NAMES
from malariascope.core.preprocess import to_model_input
from malariascope.core.report import ENCODING, OK
from malariascope.core.screening import field_inputs
from malariascope.core.summary import check_pair
from malariascope.core.tally import CONFIRMED, OVERRIDDEN, UNSURE

NEEDED = ("image_path", "image_sha256", "review", "final_call", "status", "sample_id",
          "cell_index", "cell_x", "cell_y", "cell_w", "cell_h")


@dataclass(frozen=True)
class ReviewedCell:
    """A cell the technician called: where it is told (``report.csv line 7``), its image and
    the sha256 that image had when reviewed, the final call as a label, the group it is held
    out with, and its box in a whole field (None: the image is the cell)."""

    where: str
    image: Path
    sha256: str
    label: int
    group: str
    box: tuple[int, int, int, int] | None = None
    #: the image's bytes, read and found to hash to ``sha256`` as the image was chosen among
    #: same-named ones (None: read when its chunk is made)
    data: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def named(self) -> str:
        """Where it is told, with its image's name."""
        return f"{self.where} ({self.image.name})"


def reviewed_chunks(record: SourceRecord, images: Iterable[list[ReviewedCell]], size: int,
                    repeats: Repeats) -> Iterator[Chunk]:
    """The chunks of ``images``, each the reviewed cells of one image file, as screening made
    them: a cell image whole, a field's cells found again and paired with their boxes; cells
    ``repeats`` has read before are left out."""
    for cells in images:
        first = cells[0]
        image = _image(first)  # its bytes hash to first.sha256, the content its cells share
        if first.box is not None:
            yield from _field_chunk(record, image, cells, size, f"{record.path}:{first.image}",
                                    repeats)
        else:  # every row is asked: a later row's call may disagree with the first's
            new = [record.keeps(repeats, CellId(first.sha256, None, cell.named), cell.label)
                   for cell in cells]
            if new[0]:
                yield labelled_chunk(record, [to_model_input(image, size)], [first.label],
                                     [first.sha256], first.group)


def _image(cell: ReviewedCell) -> np.ndarray:
    """The image of ``cell``, refused unless its bytes still hash to the reviewed sha256."""
    try:
        if cell.data is not None:  # hashed as it was chosen
            return decode_image(cell.data)
        image, sha256 = read_image_hashed(cell.image)
    except ImageReadError as exc:
        raise SourceChangedError(f"{cell.where}: cannot read the reviewed image {cell.image}: "
                                 f"{exc}; nothing was adapted") from exc
    if sha256 != cell.sha256:
        raise SourceChangedError(
            f"{cell.where}: {cell.image} is not the image that was reviewed (sha256 "
            f"{sha256[:12]}... instead of {cell.sha256[:12]}...); nothing was adapted")
    return image


def _field_chunk(record: SourceRecord, image: np.ndarray, cells: list[ReviewedCell], size: int,
                 field_name: str, repeats: Repeats) -> Iterator[Chunk]:
    """The field's cells found again; reviewed ones take their final call, unless read
    before (they stay unlabelled then, standardizing their field as when it was screened).
    A field that does not look like a smear is left out, as annotated fields are."""
    try:
        found, inputs = field_inputs(image, size)
    except NotASmearError as exc:
        record.skip(f"{cells[0].image.name}: {exc}")
        return
    boxes = list(dict.fromkeys(cell.box for cell in cells))  # rows of one box are one cell
    paired = {boxes[j]: i for i, j in
              mutual_best_pairs([cell.box for cell in found], boxes, MIN_IOU)}
    labels = [UNLABELLED] * len(found)
    for cell in cells:
        i = paired.get(cell.box)
        if i is None:
            record.skip(f"{cell.named}: its cell was not found again in the field")
        elif record.keeps(repeats, CellId(cells[0].sha256, found[i].box, cell.named),
                          cell.label):
            labels[i] = cell.label
    if any(label != UNLABELLED for label in labels):
        yield labelled_chunk(record, inputs, labels, [cells[0].sha256] * len(found),
                             cells[0].group, field_name)


class ReviewedReport:
    """A report CSV written by MalariaScope; its reviewed rows are the labelled cells.

    Cells are grouped by the batch's ``sample_id`` (one slide) where it is set, else by
    image: cells of one slide are never on both sides of a split.
    """

    kind = REVIEWED_REPORT

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record = SourceRecord(self.kind, str(path.resolve()))
        self._rows: dict[str, list[tuple[int, dict]]] | None = None

    def rows(self) -> dict[str, list[tuple[int, dict]]]:
        """``image_path -> [(line, row), ...]`` of the reviewed rows; the report is read, hashed
        and checked once, so what a target was checked against is what is adapted on."""
        if self._rows is None:
            data = self.path.read_bytes()
            self.record.sha256 = hashlib.sha256(data).hexdigest()
            self._rows = _reviewed_rows(self.path, data)
        return self._rows

    def images(self) -> list[Path]:
        """Every file a reviewed row's image may be read from (see ``_resolve``)."""
        return [place for image_text in self.rows()
                for place in _places(image_text, self.path.parent)]

    def chunks(self, size: int, repeats: Repeats) -> Iterator[Chunk]:
        yield from reviewed_chunks(self.record, self._cells(), size, repeats)

    def _cells(self) -> Iterator[list[ReviewedCell]]:
        """The reviewed cells of each image the report names, in file order."""
        for image_text, rows in self.rows().items():
            image, data = _resolve(image_text, self.path.parent, rows[0][1]["image_sha256"])
            group = f"{self.path}:{rows[0][1]['sample_id'] or image_text}"
            yield [ReviewedCell(f"{self.path.name} line {line}", image, row["image_sha256"],
                                _label(row), group, _box(row), data)
                   for line, row in rows]


def _reviewed_rows(path: Path, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """``image_path -> [(line, row), ...]`` of the reviewed, screened rows, in file order."""
    try:
        lines = data.decode(ENCODING).splitlines()
        reader = csv.DictReader(lines, delimiter=_delimiter(lines[0] if lines else ""))
        missing = [name for name in NEEDED if name not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path} is not a MalariaScope report: it lacks "
                               f"{', '.join(missing)}")
        rows: dict[str, list[tuple[int, dict]]] = {}
        run_ids = set()
        for line, row in enumerate(reader, 2):
            run_ids.add(row.get("run_id") or "")
            _typed(path, line, row)
            if row["review"] in (CONFIRMED, OVERRIDDEN) and row["status"] == OK:
                _check_row(path, line, row)
                rows.setdefault(row["image_path"], []).append((line, row))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"{path} is not a readable CSV report: {exc}") from exc
    if len(run_ids) == 1:  # one run's report (not several joined): its summary must match
        check_pair(path, run_ids.pop())
    if not rows:  # a report as classify writes it: its calls are the model's, no label
        raise DatasetError(f"{path} has no reviewed row (none confirmed or overridden): "
                           "review its cells in the window first, or leave it out")
    return rows


def _delimiter(header: str) -> str:
    """The field separator of a report whose first line is ``header``: a comma as written, a
    semicolon or tab where a spreadsheet saved it again (Excel in a comma-decimal locale)."""
    return max(",;\t", key=header.count)


def _typed(path: Path, line: int, row: dict) -> None:
    """The row's review, call and status as written, whatever their letter case or spaces
    (typed again by hand); a review that is none of its values is refused, not left out."""
    for key in ("review", "final_call", "status"):
        row[key] = (row[key] or "").strip().lower()
    if row["review"] not in ("", UNSURE, CONFIRMED, OVERRIDDEN):
        raise DatasetError(f"{path.name} line {line}: review {row['review']!r} is none of "
                           f"{CONFIRMED}, {OVERRIDDEN}, {UNSURE} or empty")


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


def _box(row: dict) -> tuple[int, int, int, int] | None:
    """A field cell's box, None for a cell image."""
    if not row["cell_index"]:
        return None
    x, y, w, h = (int(row[key]) for key in ("cell_x", "cell_y", "cell_w", "cell_h"))
    return x, y, w, h


def _resolve(image_text: str, report_folder: Path,
             sha256: str) -> tuple[Path, np.ndarray | None]:
    """The image a row names: as written (absolute, or relative to where the batch ran),
    else beside the report under the same relative path, else beside it by name. Where
    several of these are files, the first whose bytes hash to the reviewed ``sha256`` is
    the one: a same-named image in the folder adapt runs from is not the one reviewed. With
    it, the bytes so read and hashed, to be decoded as they are (None: not read yet)."""
    present = _places(image_text, report_folder)
    for candidate in present if len(present) > 1 else ():
        with contextlib.suppress(ImageReadError):  # an unreadable one is told when it is read
            data = read_bytes(candidate)
            if hashlib.sha256(data).hexdigest() == sha256:
                return candidate, data
    return (present[0] if present else Path(image_text)), None


def _places(image_text: str, report_folder: Path) -> list[Path]:
    """The files a row's image may be: as written, beside the report under the same relative
    path, beside it by name."""
    path = Path(image_text)
    return [candidate for candidate in dict.fromkeys(
        (path, report_folder / path, report_folder / path.name)) if candidate.is_file()]
