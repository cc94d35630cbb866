"""A case's printed report from the window: which cells its galleries show, read off the UI
thread.

The UI thread only picks the rows (a pass over the batch's calls); the worker reads the
pictures of the few that are printed (at most ``GALLERY_MAX`` a gallery, highest probability
first), each whole field once, and builds the :class:`~malariascope.printing.content.CaseReport`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from malariascope.core.case import Case
from malariascope.core.leftout import NAMED, NONE_LEFT_OUT, LeftOut
from malariascope.core.names import relative_name
from malariascope.core.parasitemia import CaseResult
from malariascope.core.rescreened import superseded
from malariascope.core.tally import OVERRIDDEN, PARASITIZED
from malariascope.core.withoutcall import WithoutCall
from malariascope.gui.batch import Batch
from malariascope.printing.fields import FieldLine  # no numpy: fine before the paint

if TYPE_CHECKING:  # numpy, through the pipeline and the printing content
    import numpy as np

    from malariascope.core.pipeline import ScreeningResult
    from malariascope.core.reread import ScreenedImages
    from malariascope.printing.content import CaseReport
    from malariascope.printing.gallery import Gallery, GalleryCell


@dataclass(frozen=True)
class ReportCell:
    """A cell a gallery may show: its row, its result, its file's name and what a reviewer
    pressed for it (``confirmed``, ``overridden`` or ``unsure``; empty when nobody did)."""

    row: int
    result: ScreeningResult
    name: str  # its file's, as the window's list names it: no two files alike
    review: str = ""
    threshold: float | None = None  # the one that called it

    @property
    def label(self) -> str:
        index = self.result.cell_index
        return self.name if index is None else f"{self.name} #{index}"


@dataclass(frozen=True)
class ReportOrder:
    """Everything a worker needs to build the report of a case as it is now."""

    case: Case
    result: CaseResult
    parasitized: tuple[ReportCell, ...]  # finally called parasitized
    uncertain: tuple[ReportCell, ...]  # uncertain or unsure, unreviewed, not parasitized
    overridden: tuple[ReportCell, ...] = ()  # called parasitized, overridden to uninfected
    not_screened: int | None = 0  # image files left when screening stopped (None: uncounted)
    uncertain_cells: int = 0  # called uncertain, reviewed or not
    unreadable_names: tuple[str, ...] = ()  # the first files without a call
    copies: LeftOut | None = NONE_LEFT_OUT  # files left out as copies; None: not recorded
    fields: tuple[FieldLine, ...] = ()  # the whole fields, in the order screened
    without_call: WithoutCall | None = None  # the batch's files without a call, by kind
    learned: str = ""  # the warning of the images its model learned from ('' for none)


def report_order(batch: Batch, result: CaseResult, not_screened: int | None = 0,
                 copies: LeftOut | None = NONE_LEFT_OUT, learned: str = "") -> ReportOrder:
    """The case of ``batch`` with its ``result``, the cells of its three galleries, the
    files it has no call for, the image files of the batch ``not_screened`` or left out
    as ``copies``, and the ``learned`` warning of those its model learned from."""
    parasitized, uncertain, overridden, unreadable = [], [], [], []
    rule = batch.facts.rule
    gone = superseded(batch.results)  # rows of files screened again since
    for row, cell in enumerate(batch.results):
        if not cell.ok:
            if row not in gone and len(unreadable) < NAMED:
                unreadable.append(relative_name(cell.path, batch.folder))
            continue
        review = batch.review(row)
        if batch.final_call(row) == PARASITIZED:
            gallery = parasitized
        elif review == OVERRIDDEN:
            gallery = overridden
        elif not batch.reviewed(row) and (batch.uncertain(row) or batch.unsure(row)):
            gallery = uncertain
        else:
            continue
        threshold = None if rule is None else rule.threshold_for(cell.in_field)
        gallery.append(ReportCell(row, cell, relative_name(cell.path, batch.folder), review,
                                  threshold))
    # a copy: the facts of an open case may change while the worker prints
    return ReportOrder(copy.copy(batch.case), result, tuple(parasitized), tuple(uncertain),
                       tuple(overridden), not_screened, batch.counts.uncertain,
                       tuple(unreadable), copies, _fields(batch), batch.counts.without_call,
                       learned)


def _fields(batch: Batch) -> tuple[FieldLine, ...]:
    """The batch's whole fields, named as its list names them, with their counts."""
    paths = dict.fromkeys(result.path for result in batch.results if result.whole_field)
    learned = {result.path for result in batch.results if result.learned}
    return tuple(FieldLine.of(relative_name(path, batch.folder), counts, path in learned)
                 for path in paths if (counts := batch.field_counts(path)) is not None)


def build_report(order: ReportOrder) -> CaseReport:
    """The printed report of ``order`` with the pictures of its galleries (in a worker)."""
    from malariascope.printing.content import CaseReport

    return CaseReport(order.case, order.result, _gallery(order.parasitized),
                      _gallery(order.uncertain), _gallery(order.overridden),
                      not_screened=order.not_screened, uncertain_cells=order.uncertain_cells,
                      unreadable_names=order.unreadable_names, copies=order.copies,
                      fields=order.fields, without_call=order.without_call,
                      learned=order.learned)


def read_pictures(cells: Sequence[ReportCell]) -> list[tuple[ReportCell, np.ndarray]]:
    """The pictures of the cells of ``cells`` a gallery prints; a file that can no longer be
    read is left out."""
    from malariascope.core.reread import ScreenedImages

    images = ScreenedImages()
    return [(cell, picture) for cell in _printed_cells(cells)
            if (picture := _picture(cell, images)) is not None]


def _printed_cells(cells: Sequence[ReportCell]) -> list[ReportCell]:
    """The cells of ``cells`` a gallery prints (those marked unsure, then the highest
    probabilities), in the order of their files."""
    from malariascope.printing.gallery import printed_cells, printed_first

    return printed_cells(cells, lambda cell: printed_first(cell.result.probability or 0.0,
                                                           cell.review),
                         lambda cell: cell.result.path)


def _picture(cell: ReportCell, images: ScreenedImages) -> np.ndarray | None:
    """The picture of ``cell``, or None when its file no longer reads or is no longer the
    one screened."""
    from malariascope.core.errors import ImageReadError

    try:
        return images.cell(cell.result)
    except ImageReadError:
        return None


def _gallery(cells: Sequence[ReportCell]) -> Gallery:
    """The gallery of ``cells``, counting those whose picture could not be read."""
    from malariascope.core.reread import ScreenedImages
    from malariascope.printing.gallery import GalleryCell, read_gallery

    images = ScreenedImages()

    def pictured(cell: ReportCell) -> GalleryCell | None:
        picture = _picture(cell, images)
        return None if picture is None else GalleryCell(
            picture, cell.result.probability or 0.0, cell.label, cell.review, cell.threshold,
            bool(cell.result.learned))

    return read_gallery(_printed_cells(cells), len(cells), pictured)
