"""The register as CSV for a lab information system: one row per case.

UTF-8 with a BOM like the reports, written atomically and never over a file unasked; every
cell is neutralised against formulas as in the reports (see ``core.spreadsheet``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from malariascope.core.atomic import why, write_bytes_atomic
from malariascope.core.errors import ReportError
from malariascope.core.parasitemia import rounded_density
from malariascope.core.register.database import COMPANIONS
from malariascope.core.register.query import CaseSummary
from malariascope.core.signing import amendments_detail, amendments_withdrawn
from malariascope.core.spreadsheet import ENCODING, ENCODING_ERRORS, neutralised
from malariascope.core.tally import percent_text
from malariascope.core.targets import check_file_target
from malariascope.core.unfinished import exporting
from malariascope.core.words import threshold_words

COLUMNS = (
    "case_uid", "sample_id", "patient_id", "age_years", "sex", "collected_on", "site", "stain",
    "operator", "cells_target", "cells_counted", "target_reached", "parasitized",
    "uninfected", "percent_parasitized", "parasitemia_ci_low", "parasitemia_ci_high",
    "rbc_per_ul", "parasites_per_ul", "model_parasitized", "reviewed", "unreviewed_flagged",
    "unreadable", "status", "signed_by", "signed_at", "unreviewed_flagged_at_signing",
    "amendments", "created_at", "updated_at", "model", "model_sha256", "notes", "lab",
    "partial", "unlike_warning", "copies_left_out", "amendments_detail", "amendments_withdrawn",
    "marked_unsure", "threshold", "model_threshold", "parasites_per_ul_ci_low",
    "parasites_per_ul_ci_high",
)  # columns are only added at the end: a lab's import reads them by place


def case_row(case: CaseSummary) -> dict[str, str]:
    """The CSV row of one case (figures empty where there are none yet)."""
    facts, result, signature = case.facts, case.result, case.signature
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        case_uid=case.uid, sample_id=facts.sample_id, patient_id=facts.patient_id,
        age_years=_number(facts.age_years), sex=facts.sex, collected_on=facts.collected_on,
        site=facts.site, stain=facts.stain, operator=facts.operator,
        cells_target=str(facts.target_cells), rbc_per_ul=_number(facts.rbc_per_ul),
        status=case.status, amendments=str(case.amendments), created_at=case.created_at,
        updated_at=case.updated_at, model=case.model, model_sha256=case.model_sha256,
        notes=facts.notes, lab=facts.lab, partial=_partial(case.screening_complete),
        copies_left_out="" if case.copies is None else str(case.copies.count),
        amendments_detail=amendments_detail(case.amended),
        amendments_withdrawn=amendments_withdrawn(case.withdrawn),
    )
    if signature is not None:
        row.update(signed_by=signature.name, signed_at=signature.signed_at,
                   unreviewed_flagged_at_signing=str(signature.unreviewed_flagged))
    if result is not None:
        low, high = result.interval or (None, None)
        density_low, density_high = result.density_interval or (None, None)
        row.update(
            cells_target=str(result.target_cells), cells_counted=str(result.cells_counted),
            target_reached=str(result.target_reached).lower(),
            parasitized=str(result.parasitized), uninfected=str(result.uninfected),
            percent_parasitized=percent_text(result.parasitemia),
            parasitemia_ci_low=percent_text(low),
            parasitemia_ci_high=percent_text(high),
            parasites_per_ul=_density(result.parasites_per_ul),
            parasites_per_ul_ci_low=_density(density_low),
            parasites_per_ul_ci_high=_density(density_high),
            model_parasitized=str(result.model_parasitized), reviewed=str(result.reviewed),
            unreviewed_flagged=str(result.unreviewed_flagged),
            unreadable=str(result.unreadable), unlike_warning=result.unlike,
            marked_unsure="" if result.unsure is None else str(result.unsure),
            threshold=_threshold(result.threshold),
            model_threshold=_threshold(result.model_threshold),
        )
    return {key: neutralised(value) for key, value in row.items()}


def _partial(complete: bool | None) -> str:
    """``true`` when the case's screening stopped short of its images, ``false`` when it was
    whole, empty when the register does not know (a case saved before it kept this)."""
    return "" if complete is None else str(not complete).lower()


def _threshold(value: float | None) -> str:
    """A threshold as the window and the report show it; empty when not recorded."""
    return "" if value is None else threshold_words(value)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _density(value: float | None) -> str:
    """Parasites per µL as every report gives them: rounded (``rounded_density``)."""
    return "" if value is None else str(rounded_density(value))


def check_cases_target(path: Path, overwrite: bool = False,
                       register: Path | None = None) -> None:
    """:class:`ReportError` when the case export cannot go to ``path``: it exists without
    ``overwrite``, or is the ``register``'s file or one of SQLite's beside it (never
    replaced, even with ``overwrite``)."""
    registers = [] if register is None else [register] + [
        Path(f"{register}{suffix}") for suffix in COMPANIONS]
    check_file_target(path, overwrite, "the case export", inputs=registers)


def cases_csv(cases: Iterable[CaseSummary]) -> tuple[bytes, int]:
    """The CSV of one row per case, encoded for a spreadsheet, and how many cases."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for case in cases:
        writer.writerow(case_row(case))
        count += 1
    return buffer.getvalue().encode(ENCODING, ENCODING_ERRORS), count


def write_cases_csv(path: Path, data: bytes) -> None:
    """Write the CSV ``data`` of :func:`cases_csv` to ``path`` whole (a checked target), its
    lock held and the export recorded (``core.unfinished.exporting``): another writer of it
    is refused (ReportBusyError), and one cut off is told at the next start."""
    try:
        with exporting(path):
            write_bytes_atomic(path, data)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {why(exc)}") from exc
