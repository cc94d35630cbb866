"""The summary beside a CSV report: the slide's figures as ``key,value`` rows, then its fields.

One function for the command line and the window's export, so their summaries are the same
by construction. Keys are only appended, never reordered. Standard library only.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.case import CaseFacts
from malariascope.core.clock import utc_now
from malariascope.core.errors import ReportPairError
from malariascope.core.facts import BatchFacts
from malariascope.core.leftout import NONE_LEFT_OUT, LeftOut
from malariascope.core.parasitemia import DENSITY_FIGURES, CaseResult, rounded_density
from malariascope.core.signing import SignOff, amendments_detail
from malariascope.core.spreadsheet import ENCODING, ENCODING_ERRORS, neutralised
from malariascope.core.tally import Counts, Tally, percent_text
from malariascope.core.words import threshold_words

if TYPE_CHECKING:
    from malariascope.core.adapt.unlike import Unlikeness

#: The table of whole fields; like the keys above it, columns are only appended. The last two
#: are the batch's ``flagged_not_reviewed`` and ``marked_unsure`` of each field.
FIELD_COLUMNS = ("image_path", "cells", "parasitized", "uninfected", "uncertain", "reviewed",
                 "percent_parasitized", "flagged_not_reviewed", "marked_unsure")


def summary_path(report: Path) -> Path:
    """``<name>_summary.csv`` beside ``<name>.csv``."""
    return report.with_name(f"{report.stem}_summary{report.suffix or '.csv'}")


def summary_rows(tally: Tally, facts: BatchFacts, case: CaseFacts | None = None,
                 not_screened: int | None = 0, run_id: str = "",
                 unlike: Unlikeness | None = None, *, copies: LeftOut | None = NONE_LEFT_OUT,
                 sign_off: SignOff | None = None) -> list[tuple[str, ...]]:
    """The summary file: ``key,value`` rows for the batch, then, when the batch holds whole
    fields, a blank row and a table with one row per field (header :data:`FIELD_COLUMNS`).

    Parameters
    ----------
    tally
        The batch's counts of final calls.
    facts
        The model, its rule, the sample id and the operator.
    case
        The slide's facts: target, red cells per µL, patient id, stain and lab (defaults
        when None).
    not_screened
        The images found but not screened (a batch stopped early; None: some, not counted,
        given as empty); any makes the batch's ``complete`` false.
    run_id
        The ``run_id`` of the report's rows, which pairs the two files.
    unlike
        How unlike the model's cells the batch looks (empty values when not measured).
    copies
        The image files left out as copies of files screened: no row counts them (None: not
        recorded, given as empty).
    sign_off
        The case's sign-off, when it is signed: who signed it and when, and the amendments
        signed before it (``amendments``: how many, 0 for none; empty for a case not signed).
    """
    counts, case = tally.batch, case or CaseFacts()
    rows = [
        ("key", "value"),
        ("images", str(tally.images)),
        ("fields", str(len(tally.fields))),
        ("classified", str(counts.classified)),
        ("parasitized", str(counts.parasitized)),
        ("uninfected", str(counts.uninfected)),
        ("uncertain", str(counts.uncertain)),
        ("errors", str(counts.errors)),
        ("reviewed", str(counts.reviewed)),
        ("percent_parasitized", counts.percent_text(2)),
        ("sample_id", facts.sample_id),
        ("operator", facts.operator),
        ("model", facts.model),
        ("model_sha256", facts.model_sha256),
        ("written_at", utc_now()),  # UTC; a case's opening is the register's created_at
        *_slide_rows(counts, case),
        *_threshold_rows(facts),
        ("complete", str(not_screened == 0).lower()),
        ("images_not_screened", "" if not_screened is None else str(not_screened)),
        ("run_id", run_id),
        *_unlike_rows(unlike),
        ("stain", case.stain),
        ("lab", case.lab),
        ("copies_left_out", "" if copies is None else str(copies.count)),
        ("copies_left_out_names", "" if copies is None else copies.names()),
        *_signed_rows(sign_off),
        ("flagged_not_reviewed", str(counts.unreviewed_flagged)),
        ("marked_unsure", str(counts.unsure)),
        *_density_rows(counts, case),
        *INTERVAL_WORDS,
        ("learned_in_adaptation_images",
         "" if tally.learned_images is None else str(tally.learned_images)),
        *_amended_rows(sign_off),
    ]
    if tally.fields:
        rows += [(), FIELD_COLUMNS]
        rows += [_field_row(path, c) for path, c in tally.fields.items()]
    return rows


def _slide_rows(counts: Counts, case: CaseFacts) -> list[tuple[str, str]]:
    """The result against the slide's target: the 95 % Wilson interval in percent (empty
    before any cell), and parasites per µL only from a red cell count that was given."""
    result = CaseResult.of(counts, case.target_cells, case.rbc_per_ul)
    low, high = result.interval or (None, None)
    density = result.parasites_per_ul
    return [
        ("parasitemia_ci_low", percent_text(low)),
        ("parasitemia_ci_high", percent_text(high)),
        ("cells_target", str(result.target_cells)),
        ("target_reached", str(result.target_reached).lower()),
        ("parasites_per_ul", "" if density is None else str(rounded_density(density))),
        ("patient_id", case.patient_id),
    ]


#: What the summary's intervals are, in words in the file for whoever reads it.
INTERVAL_WORDS = (("parasitemia_ci", "95 % Wilson score interval, in percent"),
                  ("parasites_per_ul_ci", "parasitemia_ci times the red cells per µL; "
                   f"parasites per µL to {DENSITY_FIGURES} significant figures"))


def _density_rows(counts: Counts, case: CaseFacts) -> list[tuple[str, str]]:
    """Parasites per µL at the ends of the parasitemia's interval, rounded as
    ``parasites_per_ul`` is (empty without a red cell count)."""
    interval = CaseResult.of(counts, case.target_cells, case.rbc_per_ul).density_interval
    low, high = (("", "") if interval is None else
                 (str(rounded_density(interval[0])), str(rounded_density(interval[1]))))
    return [("parasites_per_ul_ci_low", low), ("parasites_per_ul_ci_high", high)]


def _signed_rows(sign_off: SignOff | None) -> list[tuple[str, str]]:
    if sign_off is None:
        return [("signed_by", ""), ("signed_at", "")]
    return [("signed_by", sign_off.signature.name),
            ("signed_at", sign_off.signature.signed_at)]


def _amended_rows(sign_off: SignOff | None) -> list[tuple[str, str]]:
    """How many times the signed case was amended before this signature, and each amendment
    as the register's export words it; both empty for a case not signed."""
    if sign_off is None:
        return [("amendments", ""), ("amendments_detail", "")]
    return [("amendments", str(len(sign_off.amended))),
            ("amendments_detail", amendments_detail(sign_off.amended))]


def _threshold_rows(facts: BatchFacts) -> list[tuple[str, str]]:
    """The thresholds the calls were made at: of single cells, and of cells of whole fields
    (the same value when the model has no field threshold)."""
    rule = facts.rule
    if rule is None:
        return [("threshold", ""), ("field_threshold", "")]
    return [("threshold", threshold_words(rule.threshold)),
            ("field_threshold", threshold_words(rule.threshold_for(in_field=True)))]


def _unlike_rows(unlike: Unlikeness | None) -> list[tuple[str, str]]:
    """The healthy-cell shift in MADs (empty without fields), the uncertain share, and the
    warning's words when the batch looks unlike the model's cells."""
    if unlike is None:
        return [("healthy_shift_mad", ""), ("uncertain_fraction", ""), ("looks_unlike", ""),
                ("unlike_warning", "")]
    shift = "" if unlike.shift is None else f"{unlike.shift:.2f}"
    return [("healthy_shift_mad", shift),
            ("uncertain_fraction", f"{unlike.uncertain_fraction:.4f}"),
            ("looks_unlike", str(unlike.warn).lower()), ("unlike_warning", unlike.message)]


def _field_row(path: str, counts: Counts) -> tuple[str, ...]:
    return (path, str(counts.classified), str(counts.parasitized), str(counts.uninfected),
            str(counts.uncertain), str(counts.reviewed), counts.percent_text(2),
            str(counts.unreviewed_flagged), str(counts.unsure))


def summary_bytes(rows: list[tuple[str, ...]]) -> bytes:
    """The rows of :func:`summary_rows` as a file's bytes (UTF-8 with BOM), neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([map(neutralised, row) for row in rows])
    return buffer.getvalue().encode(ENCODING, ENCODING_ERRORS)


def check_pair(report: Path, run_id: str) -> None:
    """ReportPairError when the summary beside ``report`` was written by another run than the
    rows, whose ``run_id`` is given (a run killed between its two renames). Nothing to check
    without a summary, or rows from before run ids."""
    summary = summary_path(report)
    if not run_id or not summary.is_file():
        return
    try:
        with open(summary, encoding=ENCODING, newline="") as handle:
            keys = dict(row for row in csv.reader(handle) if len(row) == 2)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportPairError(f"cannot read {summary}, the summary of {report}: {exc}") from exc
    if keys.get("run_id") != run_id:
        raise ReportPairError(f"{report.name} and {summary.name} are not a pair: another run "
                              "wrote the summary (a run stopped between writing the two); "
                              "write the report again")
