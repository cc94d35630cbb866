"""CSV reports for the lab's records: one row per image plus a summary file beside it.

Columns are documented in :data:`COLUMNS` and never reordered (append only). Files are
UTF-8 with a BOM so Excel opens them right, streamed to a temporary file in the target folder
and renamed into place at the end: the old report stays whole if anything fails, and an
existing report is never replaced unless the caller says so.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from malariascope.core.atomic import atomic_path, write_bytes_atomic
from malariascope.core.classifier import PARASITIZED, UNINFECTED, CallRule
from malariascope.core.errors import ReportError, ReportExistsError
from malariascope.core.pipeline import ScreeningResult, utc_now

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
)
ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class BatchInfo:
    """What every row of a batch shares: who screened what, with which model."""

    model: str
    model_sha256: str
    sample_id: str = ""
    operator: str = ""


def report_row(
    result: ScreeningResult,
    rule: CallRule,
    info: BatchInfo,
    review: str = "",
    reviewed_call: str = "",
) -> dict[str, str]:
    """The CSV row of one result; ``review`` is e.g. ``confirmed`` or ``overridden``."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        image_path=str(result.path),
        image_sha256=result.sha256,
        sample_id=info.sample_id,
        operator=info.operator,
        model=info.model,
        model_sha256=info.model_sha256,
        processed_at=result.processed_at,
        threshold=f"{rule.threshold:.4f}",
    )
    if not result.ok:
        row.update(status="error", error=result.error)
        return row
    p = result.probability
    call = rule.call(p)
    row.update(
        call=call,
        p_parasitized=f"{p:.6f}",
        uncertain=str(rule.uncertain(p)).lower(),
        review=review,
        final_call=reviewed_call or call,
        status="ok",
    )
    return row


def summary_path(report: Path) -> Path:
    """``<name>_summary.csv`` beside ``<name>.csv``."""
    return report.with_name(f"{report.stem}_summary{report.suffix or '.csv'}")


@dataclass
class Summary:
    """Counts of a report, kept as rows are added."""

    images: int = 0
    errors: int = 0
    uncertain: int = 0
    reviewed: int = 0
    calls: dict[str, int] = field(default_factory=lambda: {PARASITIZED: 0, UNINFECTED: 0})

    def add(self, row: dict[str, str]) -> None:
        self.images += 1
        if row["status"] != "ok":
            self.errors += 1
            return
        self.calls[row["final_call"]] += 1
        self.uncertain += row["uncertain"] == "true"
        self.reviewed += bool(row["review"])

    def rows(self, info: BatchInfo) -> list[tuple[str, str]]:
        classified = self.images - self.errors
        percent = 100.0 * self.calls[PARASITIZED] / classified if classified else 0.0
        return [
            ("images", str(self.images)),
            ("classified", str(classified)),
            ("parasitized", str(self.calls[PARASITIZED])),
            ("uninfected", str(self.calls[UNINFECTED])),
            ("uncertain", str(self.uncertain)),
            ("errors", str(self.errors)),
            ("reviewed", str(self.reviewed)),
            ("percent_parasitized", f"{percent:.2f}"),
            ("sample_id", info.sample_id),
            ("operator", info.operator),
            ("model", info.model),
            ("model_sha256", info.model_sha256),
            ("created_at", utc_now()),
        ]


class ReportWriter:
    """Streams rows into a temporary file; :meth:`close` renames it and writes the summary.

    Use as a context manager. Leaving the block with an exception discards the new file and
    keeps any old one; so does :meth:`discard`.
    """

    def __init__(self, path: str | os.PathLike[str], info: BatchInfo, overwrite: bool = False):
        self.path = Path(path)
        self.info = info
        self.summary = Summary()
        for target in (self.path, summary_path(self.path)):
            if target.exists() and not overwrite:
                raise ReportExistsError(f"{target} exists; choose another name or allow overwrite")
        if not self.path.parent.is_dir():
            raise ReportError(f"folder does not exist: {self.path.parent}")
        self._atomic = atomic_path(self.path)
        try:
            self._tmp = self._atomic.__enter__()
            self._file = open(self._tmp, "w", encoding=ENCODING, newline="")
        except OSError as exc:
            raise ReportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        self._csv = csv.DictWriter(self._file, fieldnames=COLUMNS)
        self._guard(self._csv.writeheader)

    def add(self, row: dict[str, str]) -> None:
        self._guard(self._csv.writerow, row)
        self.summary.add(row)

    def close(self) -> Path:
        """Flush to disk, move into place, then write the summary; returns the report path."""
        self._guard(self._finish_file)
        try:
            self._atomic.__exit__(None, None, None)
        except OSError as exc:
            raise ReportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        write_summary(summary_path(self.path), self.summary.rows(self.info))
        return self.path

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._atomic.__exit__(ReportError, ReportError(), None)

    def _finish_file(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def _guard(self, action, *args) -> None:
        try:
            action(*args)
        except OSError as exc:
            self.discard()
            raise ReportError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self, kind: type | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        elif not self._file.closed or self._tmp.exists():
            self.discard()


def write_summary(path: Path, rows: list[tuple[str, str]]) -> None:
    """Write ``key,value`` rows atomically (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("key", "value"))
    writer.writerows(rows)
    try:
        write_bytes_atomic(path, buffer.getvalue().encode(ENCODING))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def write_report(
    path: str | os.PathLike[str], rows, info: BatchInfo, overwrite: bool = False
) -> Path:
    """Write a whole report (and its summary) from an iterable of rows."""
    with ReportWriter(path, info, overwrite) as writer:
        for row in rows:
            writer.add(row)
    return writer.path


def write_json(path: str | os.PathLike[str], data: dict) -> None:
    """Write ``data`` as indented JSON, atomically."""
    try:
        write_bytes_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
