"""``classify --pdf FILE``: the slide's printable report, with galleries of its flagged cells.

A batch given to ``classify`` is one slide; its report is unsigned (a preliminary result), as
nobody has reviewed it. Qt comes in only when the PDF is written, from
:mod:`malariascope.printing`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from malariascope.cli._common import check_output_file, problem
from malariascope.cli.cellpictures import CellPictures
from malariascope.core.atomic import put_in_place, temp_beside, why, write_synced
from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule
from malariascope.core.errors import ReportError
from malariascope.core.facts import BatchFacts
from malariascope.core.leftout import NAMED, NONE_LEFT_OUT, LeftOut
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.report import summary_path
from malariascope.core.tally import PARASITIZED, Counts
from malariascope.printing import PAPERS
from malariascope.printing.fields import FieldLine
from malariascope.printing.gallery import (
    GALLERY_MAX,
    Gallery,
    GalleryCell,
    printed_cells,
    printed_first,
    read_gallery,
)

if TYPE_CHECKING:
    from malariascope.core.adapt.learned import LearnedMarks
    from malariascope.core.names import GivenNames
    from malariascope.core.report import ReportWriter

PICTURE_SIDE = 256  # pixels a side kept of a cell: more than the printed picture needs


def check_pdf_target(args: argparse.Namespace, inputs: Sequence[Path]) -> None:
    """Refuse ``--pdf`` before any screening: a folder, an existing file without
    ``--overwrite``, one of the ``inputs`` (the images given, the model's files), or the
    place of the CSV report, its summary or the overlays; and ``--paper`` without ``--pdf``,
    which would print nothing."""
    if args.paper and args.pdf is None:
        from malariascope.core.errors import ReportError

        raise ReportError("--paper sets the PDF report's paper: give --pdf FILE too")
    taken = {"--csv report": args.csv, "report's summary": summary_path(args.csv)}
    if args.gradcam is not None:
        taken["--gradcam folder"] = args.gradcam
    check_output_file(args.pdf, args.overwrite, "--pdf", "the PDF report", inputs, taken)


class Galleries:
    """The cells the PDF shows, as they are screened: those called parasitized, and the
    uncertain ones called uninfected. The pictures of those a gallery prints are read when
    it is made, as the window's are (see :func:`printed_cells`). The first files without a
    call are named by ``names``."""

    def __init__(self, rule: CallRule, names: GivenNames) -> None:
        self.rule, self.names = rule, names
        # of each gallery, the cells it may print (the first GALLERY_MAX by rank, from at most
        # twice as many) and how many were flagged
        self._flagged: dict[bool, list[ScreeningResult]] = {True: [], False: []}
        self._totals = {True: 0, False: 0}
        self._cells = CellPictures("no picture in the PDF", names)
        self.unreadable: list[str] = []  # the first files without a call, by name

    def add(self, result: ScreeningResult) -> None:
        """Keep ``result`` when it is flagged, or its file's name when it has no call."""
        if not result.ok:
            if len(self.unreadable) < NAMED:
                self.unreadable.append(self.names(result.path))
            return
        p = result.probability
        parasitized = self.rule.call(p, result.in_field) == PARASITIZED
        if not parasitized and not self.rule.uncertain(p, result.in_field):
            return
        self._totals[parasitized] += 1
        kept = self._flagged[parasitized]
        kept.append(replace(result, class_map=None))  # no Grad-CAM in the PDF
        if len(kept) == 2 * GALLERY_MAX:  # a stable sort: ties stay first screened first
            kept[:] = sorted(kept, key=_rank)[:GALLERY_MAX]

    def _pictured(self, result: ScreeningResult) -> GalleryCell | None:
        """The cell of ``result`` with its picture; None when its file no longer reads or is
        no longer the one screened."""
        cell = self._cells.of(result)
        if cell is None:
            return None
        return GalleryCell(_thumbnail(cell), result.probability, self._label(result),
                           threshold=self.rule.threshold_for(result.in_field),
                           learned=bool(result.learned))

    def _label(self, result: ScreeningResult) -> str:
        """The cell's file as the report names files (no two alike), and its number in a
        field."""
        number = f" #{result.cell_index}" if result.cell_index else ""
        return f"{self.names(result.path)}{number}"

    def gallery(self, parasitized: bool) -> Gallery:
        """The gallery of the cells called parasitized (or uncertain, called uninfected),
        their pictures read now."""
        printed = printed_cells(self._flagged[parasitized], _rank, lambda result: result.path)
        return read_gallery(printed, self._totals[parasitized], self._pictured)


def _rank(result: ScreeningResult) -> tuple[bool, float]:
    """Where the cell of ``result`` comes in its gallery (nobody has reviewed it here)."""
    return printed_first(result.probability, "")


def _thumbnail(cell: np.ndarray) -> np.ndarray:
    """A copy of ``cell`` at most :data:`PICTURE_SIDE` a side (not a view of its field)."""
    scale = PICTURE_SIDE / max(cell.shape[:2])
    if scale >= 1:
        return cell.copy()
    return cv2.resize(cell, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _slide_pdf(args: argparse.Namespace, facts: CaseFacts, info: BatchFacts, counts: Counts,
              galleries: Galleries, not_screened: int = 0, unlike: str = "",
              copies: LeftOut = NONE_LEFT_OUT, fields: tuple[FieldLine, ...] = (),
              learned: str = "") -> bytes:
    """The slide's report for ``--pdf``: its facts, result, model and galleries.

    Parameters
    ----------
    args
        The command's arguments (``--pdf``, ``--paper``, the paths screened).
    facts, info
        The slide's facts, and the model and rule it was screened with.
    counts, galleries, not_screened
        What was screened, and the images not screened when the run was stopped.
    unlike
        The batch looks unlike the model's cells, as a limit of the result ('' if not).
    copies
        The image files left out as copies of files screened before them.
    fields
        The whole fields screened, in order.
    learned
        The warning of the images the model learned from in adaptation ('' if none).
    """
    from malariascope.printing.content import CaseReport
    from malariascope.printing.pdf import case_pdf_bytes
    from malariascope.qt_locale import locale_page_size

    case = Case(facts, info.model, info.model_sha256, info.rule,
                tuple(str(path) for path in args.paths))
    result = case.result(counts, unlike, info.default_threshold)
    report = CaseReport(case, result, galleries.gallery(True),
                        galleries.gallery(False), not_screened=not_screened,
                        uncertain_cells=counts.uncertain,
                        unreadable_names=tuple(galleries.unreadable), copies=copies,
                        fields=fields, without_call=counts.without_call, learned=learned)
    paper = PAPERS.get(args.paper) or locale_page_size()
    return case_pdf_bytes(args.pdf, report, paper)


class PdfDraft:
    """The slide's PDF of the batch ``writer`` reports, with its ``galleries`` and the
    images its model ``learned`` from, written beside ``--pdf`` before the report is renamed
    into place and renamed itself right after it: a run killed meanwhile leaves no new
    report beside an old PDF of another batch."""

    def __init__(self, args: argparse.Namespace, slide: CaseFacts, info: BatchFacts,
                 writer: ReportWriter, galleries: Galleries, learned: LearnedMarks) -> None:
        self.target, self.overwrite = Path(args.pdf), args.overwrite
        self.tmp: Path | None = None
        self.error = ""  # why no PDF was made, as the line that says so
        fields = tuple(FieldLine.of(galleries.names(Path(field)), counts,
                                    Path(field) in learned.paths)
                       for field, counts in writer.tally.fields.items())
        try:
            pdf = _slide_pdf(args, slide, info, writer.tally.batch, galleries,
                            writer.not_screened, writer.unlike.limit, writer.copies, fields,
                            learned.words() if learned.paths else "")
            self.tmp = temp_beside(self.target)
            write_synced(self.tmp, pdf, hidden=True)
        except ReportError as exc:
            self.error = str(exc)
        except OSError as exc:
            self.error = f"cannot write {self.target}: {why(exc)}"
        except BaseException:  # a second Ctrl-C: no PDF, and no temporary file left
            self.discard()
            raise
        if self.error:
            self.discard()

    def place(self) -> bool:
        """Put the PDF in place, once the report is; False, said in one line, when it was
        not made or cannot be put there (the report stays)."""
        try:
            if self.tmp is None:
                raise ReportError(self.error)
            try:
                put_in_place(self.tmp, self.target, self.overwrite)
            except FileExistsError:  # it appeared while the batch ran; the report is in place
                raise ReportError(f"{self.target} appeared while this batch ran and was kept; "
                                  "the PDF was not written, the CSV report was: run it again "
                                  "with another --pdf or pass --overwrite") from None
            except OSError as exc:
                raise ReportError(f"cannot write {self.target}: {why(exc)}") from exc
        except ReportError as exc:
            problem(f"malariascope: error: {exc}")
            return False
        finally:
            self.discard()
        return True

    def discard(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None
