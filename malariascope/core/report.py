"""CSV reports for the lab's records: one row per cell plus a summary file beside it.

A cell is an image of one cell, or one cell found in a whole field (its number and box are in
the ``cell_*`` columns). Columns are documented in :data:`COLUMNS` and never reordered
(append only); ``batch_complete`` is ``false`` on every row of a batch stopped before all its
images were screened, so that no row, filtered or copied away, can pass for part of a whole
batch. The summary (:mod:`malariascope.core.summary`, as the app's) says so too, and holds the
rows' ``run_id``: a report and a summary are a pair only when their run ids agree. Files are
UTF-8 with a BOM so Excel opens them right, with no cell a spreadsheet would run as a formula
(:mod:`malariascope.core.spreadsheet`), streamed to a temporary file in the target folder and
renamed into place at the end: the old report stays whole if anything fails, and an existing
report is never replaced unless the caller says so.
"""

from __future__ import annotations

import contextlib
import csv
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from malariascope.core.atomic import (
    atomic_path,
    hide,
    replace_together,
    temp_beside,
    why,
    write_synced,
)
from malariascope.core.case import CaseFacts, ReviewDecision, SignOff
from malariascope.core.errors import ReportAppearedError, ReportError
from malariascope.core.facts import BatchFacts
from malariascope.core.leftout import LeftOut
from malariascope.core.lockfile import TargetLock, lock_targets
from malariascope.core.pipeline import ScreeningResult
from malariascope.core.spreadsheet import ENCODING, ENCODING_ERRORS, neutralised
from malariascope.core.summary import summary_bytes, summary_path, summary_rows
from malariascope.core.tally import CONFIRMED, OVERRIDDEN, UNSURE, Tally, Verdict, review_of
from malariascope.core.targets import check_target
from malariascope.core.withoutcall import kind_of
from malariascope.core.words import decimals, threshold_words

if TYPE_CHECKING:
    from malariascope.core.adapt.unlike import Unlikeness

CELL_COLUMNS = ("cell_index", "cell_x", "cell_y", "cell_w", "cell_h")  # a field's cell
#: The audit of a review: what the reviewer pressed (a call, or ``unsure``), the model's call on
#: screen when they did, who and when (UTC). ``review`` and ``final_call`` follow the threshold.
AUDIT_COLUMNS = ("reviewer_call", "call_at_review", "reviewed_by", "reviewed_at")
COLUMNS = (
    "image_path",
    "image_sha256",
    "call",
    "p_parasitized",
    "threshold",
    "uncertain",
    "review",
    "final_call",
    "status",
    "error",
    "sample_id",
    "operator",
    "model",
    "model_sha256",
    "processed_at",
    *CELL_COLUMNS,
    *AUDIT_COLUMNS,
    "batch_complete",  # false on every row of a batch stopped before its end
    "run_id",  # the same in the summary: a report and a summary are a pair only so
    "learned_in_adaptation",  # the model learned this image's cells; empty: its card lists none
)
OK, ERROR, NO_CELLS = "ok", "error", "no_cells"  # values of the status column


def report_row(result: ScreeningResult, facts: BatchFacts,
               decision: ReviewDecision | None = None) -> dict[str, str]:
    """The CSV row of one result, called by ``facts.rule``; ``decision`` is the technician's
    review of it, if any."""
    rule = facts.rule
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        image_path=path_text(result.path),
        image_sha256=result.sha256,
        sample_id=facts.sample_id,
        operator=facts.operator,
        model=facts.model,
        model_sha256=facts.model_sha256,
        processed_at=result.processed_at,
        threshold=threshold_words(rule.threshold_for(result.in_field)),
        learned_in_adaptation="" if result.learned is None else str(result.learned).lower(),
    )
    if result.in_field:
        row.update(zip(CELL_COLUMNS, map(str, (result.cell_index, *result.box)), strict=True))
    if not result.ok:
        row.update(status=NO_CELLS if result.whole_field else ERROR, error=result.error)
        return row
    p, threshold = result.probability, rule.threshold_for(result.in_field)
    call = rule.call(p, result.in_field)
    pressed = decision.pressed if decision else ""
    row.update(  # P and threshold each with the decimals that keep them apart, as called
        threshold=threshold_words(threshold, p),
        call=call,
        p_parasitized=f"{p:.{max(6, decimals(p, threshold))}f}",
        uncertain=str(rule.uncertain(p, result.in_field)).lower(),
        review=review_of(decision.model_call, pressed) if decision else "",
        final_call=pressed if decision and decision.reviewed else call,
        status=OK,
    )
    if decision:
        row.update(zip(AUDIT_COLUMNS, (pressed, decision.model_call, decision.reviewer,
                                       decision.at), strict=True))
    return row


def path_text(path: Path) -> str:
    """``path`` as text that UTF-8 can hold, a different text for each path. A Linux file name
    is any bytes, and one that is not UTF-8 (a name from an old Latin-1 camera PC) reaches
    Python with surrogates, which no encoder accepts: each such byte is written as ``\\xe9``.
    A backslash in a name (Linux, macOS) is written ``\\\\``, so that a name holding the four
    characters ``\\xe9`` is told from one holding the byte. On Windows names are text and the
    backslash separates folders: the path is written as it is."""
    if os.name == "nt":
        return str(path)
    return os.fsencode(path).replace(b"\\", b"\\\\").decode("utf-8", ENCODING_ERRORS)


def verdict(row: dict[str, str]) -> Verdict:
    """What :mod:`~malariascope.core.tally` counts of a report row."""
    in_field = bool(row["cell_index"]) or row["status"] == NO_CELLS
    return Verdict(
        final_call=row["final_call"] if row["status"] == OK else "",
        uncertain=row["uncertain"] == "true",
        reviewed=row["review"] in (CONFIRMED, OVERRIDDEN),
        field_path=row["image_path"] if in_field else "",
        model_call=row["call"],
        no_call=kind_of(row["error"]), unsure=row["review"] == UNSURE,
        learned={"true": True, "false": False}.get(row["learned_in_adaptation"]),
        image_path=row["image_path"],
    )


class ReportWriter:
    """Streams rows into a temporary file; :meth:`close` writes the summary beside it and
    renames both into place (:meth:`finish`, then :meth:`commit`).

    Use as a context manager. Leaving the block with an exception (a Ctrl-C too) discards the
    new files and keeps any old ones; so does :meth:`discard`. While it is open the report and
    its summary are locked, and the files ``locked`` names (the slide's PDF written beside it)
    until :meth:`discard`: another writer of any is refused (ReportBusyError). Every row
    and the summary hold the same ``run_id``, which pairs them. ``case`` holds the slide's
    facts the summary gives (target, red cells per µL, patient id). A batch stopped early is
    told with :meth:`mark_incomplete` before the close.
    """

    def __init__(self, path: str | os.PathLike[str], facts: BatchFacts,
                 overwrite: bool = False, *, case: CaseFacts | None = None,
                 locked: Iterable[Path] = ()) -> None:
        self.path, self.facts, self.case, self.overwrite = Path(path), facts, case, overwrite
        self.summary = summary_path(self.path)
        self.tally = Tally()
        self.not_screened: int | None = 0  # None: some, not counted
        self.unlike: Unlikeness | None = None  # set before finish: goes in the summary
        #: likewise: image files left out as copies of others (None: not recorded)
        self.copies: LeftOut | None = LeftOut()
        self.sign_off: SignOff | None = None  # likewise: the case's sign-off, if signed
        self.run_id = uuid.uuid4().hex
        self._tmp: Path | None = None
        self._summary_tmp: Path | None = None
        self._file: TextIO | None = None
        check_target(self.path, overwrite)
        self._locks = lock_targets([self.path, self.summary, *locked])
        with self._failing_as(self.path):
            self._tmp = temp_beside(self.path)
            self._file = open(self._tmp, "w", encoding=ENCODING, errors=ENCODING_ERRORS,
                              newline="")
            hide(self._tmp)  # it takes the rows as long as the batch takes
            self._csv = csv.DictWriter(self._file, fieldnames=COLUMNS)
            self._csv.writeheader()

    def add(self, row: dict[str, str]) -> None:
        """Write one row of :func:`report_row` (neutralised) and count it."""
        cells = {key: neutralised(value) for key, value in row.items()}
        with self._failing_as(self.path):
            self._csv.writerow({**cells, "batch_complete": "true", "run_id": self.run_id})
        self.tally.add(verdict(row))

    def mark_incomplete(self, not_screened: int | None) -> None:
        """The batch was stopped with ``not_screened`` of its images not screened (None: some,
        not counted): every row and the summary will say the report is not complete."""
        self.not_screened = not_screened

    def close(self) -> Path:
        """:meth:`finish` and :meth:`commit`; returns the report's path."""
        self.finish()
        self.commit()
        return self.path

    def finish(self) -> None:
        """Flush the rows to disk and write the summary to a temporary file too, so that a
        failure to write either (a full disk) leaves the old report and summary as they were."""
        with self._failing_as(self.path):
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            if self.not_screened != 0:
                mark_rows_incomplete(self._tmp)
        with self._failing_as(self.summary):
            self._summary_tmp = temp_beside(self.summary)
            rows = summary_rows(self.tally, self.facts, self.case, self.not_screened,
                                self.run_id, self.unlike, copies=self.copies,
                                sign_off=self.sign_off)
            write_synced(self._summary_tmp, summary_bytes(rows), hidden=True)

    def commit(self) -> None:
        """Rename the finished report and summary into place together (see
        :func:`~malariascope.core.atomic.replace_together`): a rename refused leaves the old
        pair, and without ``overwrite`` a file that appeared at either name meanwhile stays
        (ReportAppearedError)."""
        moves = [(self._tmp, self.path), (self._summary_tmp, self.summary)]
        try:
            with self._failing_as(self.path, f" or its summary {self.summary.name}"):
                replace_together(moves, self.overwrite)
        except ReportError as exc:
            if isinstance(exc.__cause__, FileExistsError):
                raise ReportAppearedError(Path(exc.__cause__.filename)) from exc.__cause__
            raise
        self._tmp = self._summary_tmp = None
        # the report's and summary's locks go; those of ``locked`` with :meth:`discard`, once
        # the caller has placed its own files
        self._let_go(self._locks[:2])

    def discard(self) -> None:
        """Delete the new files, keeping any old ones, and let all the locks go."""
        self._let_go(self._locks)

    def _let_go(self, locks: list[TargetLock]) -> None:
        """Delete the new files and let ``locks`` go. Closing may fail as the write did (on a
        full disk the refused bytes are still buffered and are flushed again): that says
        nothing new, and must not replace the first failure."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        for tmp in (self._tmp, self._summary_tmp):
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        for lock in locks:
            lock.release()

    @contextlib.contextmanager
    def _failing_as(self, target: Path, also: str = "") -> Iterator[None]:
        """Any exception in the block discards the new files; an OSError says which file
        failed, why."""
        try:
            yield
        except OSError as exc:
            self.discard()
            raise ReportError(f"cannot write {target}{also}: {why(exc)}") from exc
        except BaseException:
            self.discard()
            raise

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self, kind: type | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


def mark_rows_incomplete(report: Path) -> None:
    """Write the rows of ``report`` again with ``batch_complete`` false: read back as
    written, the csv module writes every other cell as it was."""
    column = COLUMNS.index("batch_complete")
    with atomic_path(report) as marked:
        with (open(report, encoding=ENCODING, newline="") as source,
              open(marked, "w", encoding=ENCODING, newline="") as target):
            rows, out = csv.reader(source), csv.writer(target)
            out.writerow(next(rows))
            out.writerows([*row[:column], "false", *row[column + 1:]] for row in rows)
            target.flush()
            os.fsync(target.fileno())


def write_report(path: str | os.PathLike[str], rows, facts: BatchFacts,
                 overwrite: bool = False, *, case: CaseFacts | None = None) -> Path:
    """Write a whole report (and its summary, with the slide's ``case`` facts) from an
    iterable of rows."""
    with ReportWriter(path, facts, overwrite, case=case) as writer:
        for row in rows:
            writer.add(row)
    return writer.path
