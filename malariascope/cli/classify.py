"""``malariascope classify PATH... --csv OUT``: headless batch screening to a CSV report.

A thin layer over ``core.pipeline.screen`` and ``core.report``: a progress bar on a terminal
(counting files), one line per problem on stderr, the totals and the files written on stdout.
Ctrl-C (or SIGTERM) stops once the image being screened and every cell the model has called
are written, whole images only (a report never holds part of a field), marked as a stopped
batch; a second stops at once, without a report and with the old one kept, whenever it comes
before the report is renamed into place (see ``cli.stopping``). One while the model loads
stops before the first image: no report, and no overlay folder left behind. Whole fields give
one row per cell found (``--mode`` decides what is a field). The batch is one slide: the
summary gives its parasitemia against ``--target-cells``, and ``--pdf`` writes its printable
report.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.cli._common import (
    EXIT_NOTHING_READ,
    EXIT_OK,
    EXIT_SOME_FAILED,
    add_model_arguments,
    call_rule,
    chosen_backend,
    in_cli_words,
    model_inputs,
    number,
    output_file_argument,
    path_argument,
    printable,
    probability,
    problem,
)
from malariascope.cli._wildcards import PathsAction
from malariascope.cli.stopping import StopRequests
from malariascope.core.case import (
    NOT_STATED,
    NOT_STATED_WORDS,
    RBC_PER_UL_MAX,
    RBC_PER_UL_MIN,
    STAINS,
)
from malariascope.core.errors import MalariaScopeError, ReportError
from malariascope.core.options import MODES
from malariascope.core.parasitemia import TARGET_DEFAULT, TARGET_MAX, TARGET_MIN
from malariascope.core.words import counted
from malariascope.printing import PAPERS

if TYPE_CHECKING:
    from malariascope.core.case import CaseFacts
    from malariascope.core.discovery import Discovery
    from malariascope.core.facts import BatchFacts
    from malariascope.core.names import GivenNames
    from malariascope.core.report import ReportWriter
    from malariascope.core.tally import Tally

HELP = "screen images and folders to a CSV report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``classify``."""
    parser.add_argument("paths", nargs="+", type=path_argument, action=PathsAction,
                        metavar="PATH", help="images or folders")
    parser.add_argument("--csv", required=True, type=output_file_argument, metavar="OUT",
                        help="report to write, one row per cell, as plain CSV (a compressed "
                        "name such as r.csv.gz is refused); its summary (counts, parasitemia) "
                        "is written beside it, r.csv's as r_summary.csv")
    parser.add_argument("--threshold", type=probability,
                        help="call threshold (default: model card)")
    parser.add_argument("--gradcam", type=path_argument, metavar="DIR",
                        help="write overlay PNGs here")
    parser.add_argument(
        "--mode", choices=MODES, default="auto",
        help="auto: images much larger than a cell are whole fields, each cell found gets a "
        "row; cell: every image is one cell; field: every image is a whole field",
    )
    parser.add_argument("--sample-id", default="", help="the slide's id")
    parser.add_argument("--operator", default="", help="the microscopist")
    parser.add_argument("--patient-id", default="", metavar="ID", help="the patient's id")
    parser.add_argument("--target-cells", type=number(TARGET_MIN, TARGET_MAX, whole=True),
                        default=TARGET_DEFAULT, metavar="N",
                        help=f"red cells to count on the slide, {TARGET_MIN} to {TARGET_MAX} "
                        f"(default: {TARGET_DEFAULT})")
    parser.add_argument("--rbc-per-ul", type=number(RBC_PER_UL_MIN, RBC_PER_UL_MAX),
                        metavar="N", help="the patient's red cells per µL, for parasites per µL "
                        "(none without it)")
    parser.add_argument("--pdf", type=output_file_argument, metavar="FILE",
                        help="also write the slide's printable report (the batch is one slide)")
    parser.add_argument("--paper", choices=PAPERS, type=str.lower,
                        help="the PDF's paper (default: as the window's, letter where the "
                        "system's locale measures in inches, as in the US, else a4)")
    parser.add_argument("--stain", choices=STAINS, default=NOT_STATED,
                        help=f"the slide's stain, in the summary and the PDF (default: "
                        f"{NOT_STATED_WORDS})")
    parser.add_argument("--lab", default="", metavar="NAME",
                        help="the laboratory's name (and place): in the summary, and heading "
                        "the PDF")
    add_model_arguments(parser)
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing report (CSV, summary, PDF) and Grad-CAM "
                        "overlays")
    parser.add_argument("--no-recursive", action="store_true", help="do not enter subfolders")


def run(args: argparse.Namespace) -> int:
    """Screen every image, write the report (and the PDF); exit 0 all ok, 1 some images
    errors or missing or some overlays or the PDF not written, 2 none read (no report at all
    when no image was found)."""
    from malariascope.cli.casepdf import check_pdf_target
    from malariascope.core.atomic import output_folder
    from malariascope.core.case import CaseFacts
    from malariascope.core.casefacts import check_typed
    from malariascope.core.targets import check_target

    typed = {"sample_id": args.sample_id, "patient_id": args.patient_id,
             "operator": args.operator, "lab": args.lab}
    check_typed(typed)
    slide = CaseFacts(**typed, target_cells=args.target_cells, rbc_per_ul=args.rbc_per_ul,
                      stain=args.stain)
    inputs = [*args.paths, *model_inputs(args.model)]
    with in_cli_words():  # before the model loads or the overlay folder is made
        check_target(args.csv, args.overwrite, inputs=inputs)
    check_pdf_target(args, inputs)
    # signals are taken from here: one while the model loads stops the batch before its first
    # image, so the overlay folder made for it is removed again
    with StopRequests(for_good=args.own_process) as stops:
        if args.gradcam is None:
            return _classify(args, slide, stops)
        _refuse_input_folder(args.gradcam, args.paths)
        _refuse_report_place(args.gradcam, args.csv)
        with output_folder(args.gradcam, "Grad-CAM overlays", ReportError):  # before the model
            return _classify(args, slide, stops)


def _classify(args: argparse.Namespace, slide: CaseFacts, stops: StopRequests) -> int:
    """:func:`_screen`, recorded as an export to the report, its summary and the PDF while it
    runs: a run killed meanwhile is told at the window's next start (``core.unfinished``)."""
    from malariascope.core.summary import summary_path
    from malariascope.core.unfinished import recorded

    with recorded(args.csv, summary_path(args.csv), *([args.pdf] if args.pdf else [])):
        return _screen(args, slide, stops)


def _screen(args: argparse.Namespace, slide: CaseFacts, stops: StopRequests) -> int:
    """:func:`run`, once the slide's facts, the report's and overlays' places are checked."""
    from malariascope.cli.casepdf import Galleries, PdfDraft
    from malariascope.cli.overlays import Overlays
    from malariascope.cli.screening import Sinks, screen_into, tell_beside
    from malariascope.core.adapt.learned import LearnedMarks
    from malariascope.core.adapt.unlike import UnlikeMeter
    from malariascope.core.classifier import Classifier
    from malariascope.core.copies import Copies
    from malariascope.core.discovery import Discovery
    from malariascope.core.facts import BatchFacts
    from malariascope.core.names import GivenNames
    from malariascope.core.pipeline import screen

    classifier = Classifier.open(args.model, chosen_backend(args.model, args.backend))
    rule = call_rule(classifier, args.threshold)
    info = BatchFacts.of(classifier, sample_id=slide.sample_id, operator=slide.operator,
                         rule=rule)
    found = Discovery(args.paths, recursive=not args.no_recursive,
                      exclude=[args.gradcam] if args.gradcam else [])
    paths = iter(found)  # what is left of it after a stop is counted
    names = GivenNames(args.paths)
    overlays = Overlays(args.gradcam, rule, names, args.overwrite) if args.gradcam else None
    galleries = Galleries(rule, names) if args.pdf else None
    meter = UnlikeMeter(rule, classifier.card)
    copies = Copies()
    sinks = Sinks(copies, meter, names, LearnedMarks(classifier.card), overlays, galleries)
    writer = draft = None
    try:
        with stops.deferred():  # the writer is made whole, to remove its locks on a stop
            writer = _open_report(args, info, slide)
        # a stop lets the image in hand be written whole and stops the fields read ahead
        results = screen(paths, classifier, mode=args.mode, copies=copies,
                         fields_as_cells=sinks.looking_like_fields, stop=stops.stop,
                         keep_first=True)
        stopped = screen_into(writer, results, sinks, stops.stop)
        writer.unlike, writer.copies = meter.unlikeness(), copies.record()
        if stopped and writer.tally.images == 0:  # nothing done: as a second Ctrl-C
            stops.stop_now()
        _finish(writer, found, paths, stopped, copies.left_out, names)
        draft = PdfDraft(args, slide, info, writer, galleries, sinks.learned) if galleries else None
        with in_cli_words():
            stops.commit(writer.commit)
    except BaseException:
        if draft is not None:
            draft.discard()
        if writer is not None:
            stops.clean_up(writer.discard)
        raise
    counts = writer.tally.batch
    try:
        tell_beside(writer, sinks)
        pdf_failed = draft is not None and not draft.place()
    finally:
        writer.discard()  # the PDF's lock goes once it is placed
    # what was written goes to stdout, as every command's, once placed; problems to stderr
    print(printable(_totals(writer.tally, len(found.skipped), writer.not_screened)
                    + f"; report {writer.path}"))
    if draft is not None and not pdf_failed:
        print(printable(f"PDF report {args.pdf}"))
    if counts.classified == 0:
        return EXIT_NOTHING_READ
    overlays_short = overlays is not None and overlays.incomplete
    incomplete = (counts.errors or found.missing or writer.not_screened or overlays_short
                  or pdf_failed)
    return EXIT_SOME_FAILED if incomplete else EXIT_OK


def _finish(writer: ReportWriter, found: Discovery, rest: Iterator[Path], stopped: bool,
            copies: int, names: GivenNames) -> None:
    """Tell the paths that were not found and the folders that would not open (by their
    ``names``), refuse an empty batch, give each of those paths an error row, mark a stopped
    batch, and write the report's files, all but their renames. ``copies`` files screened
    were left out as copies."""
    from malariascope.core.pipeline import not_searched
    from malariascope.core.report import report_row

    # the search is walked to its end first: it counts what a stop left and finds every path
    not_screened = _not_screened(found, rest, writer.tally.images + copies) if stopped else 0
    unread = not_searched(found.missing)
    for result in unread:
        problem(f"{names(result.path)}: {result.error}")
    if writer.tally.images == 0:  # the report is dropped
        passed = (f", {counted(found.not_entered, 'subfolder')} not searched: --no-recursive"
                  if found.not_entered else "")
        raise NoImagesError(f"no images found ({counted(len(found.skipped), 'non-image file')} "
                            f"skipped{passed}); no report written")
    for result in unread:  # the record shows what was asked and not screened
        writer.add(report_row(result, writer.facts))
    if not_screened:
        writer.mark_incomplete(not_screened)
    writer.finish()


def _not_screened(found: Discovery, rest: Iterator[Path], screened: int) -> int:
    """How many images the search finds that were not screened: those read ahead and not
    reported, and those it had not reached (the rest of the folders is walked, not read)."""
    for _ in rest:
        pass
    return found.found - screened


class NoImagesError(MalariaScopeError):
    """Nothing to screen (a mistyped path, an empty folder): a report of no rows would only
    stand in the way of the corrected run, as a file that exists."""


def _refuse_input_folder(folder: Path, inputs: list[Path]) -> None:
    """An input folder is refused for ``--gradcam``: its overlays would be screened as cells by
    the next run (a subfolder of one is left out of the search instead)."""
    if any(path.is_dir() and folder.is_dir() and os.path.samefile(path, folder)
           for path in inputs):
        raise ReportError(f"--gradcam {folder} is an input folder: its overlays would be "
                          "screened as cells by the next run; name another folder")


def _refuse_report_place(folder: Path, report: Path) -> None:
    """The report's or its summary's place is refused for ``--gradcam``, by its option: the
    folder made there would be refused as the report's place, a folder never named."""
    from malariascope.core.summary import summary_path
    from malariascope.core.targets import same_place

    for role, path in (("--csv report", report), ("report's summary", summary_path(report))):
        if same_place(folder, path):
            raise ReportError(f"--gradcam {folder} is the {role}: name another folder")


def _open_report(args: argparse.Namespace, info: BatchFacts,
                 slide: CaseFacts) -> ReportWriter:
    """The report's writer (the place is checked again: it may have changed meanwhile), the
    PDF's place locked with the report's."""
    from malariascope.core.report import ReportWriter

    with in_cli_words():
        return ReportWriter(args.csv, info, args.overwrite, case=slide,
                            locked=[args.pdf] if args.pdf else [])


def _totals(tally: Tally, skipped: int, not_screened: int) -> str:
    """One line of totals for stdout."""
    counts = tally.batch
    fields = f" ({counted(len(tally.fields), 'whole field')})" if tally.fields else ""
    stopped = (f" (interrupted: {counted(not_screened, 'image')} not screened)"
               if not_screened else "")
    percent = counts.percent_text(2)  # none when no cell was called
    return (f"{counted(tally.images, 'image')}{fields}: {counted(counts.classified, 'cell')} "
            f"classified, {counts.parasitized:,} parasitized"
            f"{f' ({percent} %)' if percent else ''}, {counts.uninfected:,} uninfected, "
            f"{counted(counts.errors, 'error')}, {counted(skipped, 'non-image file')} "
            f"skipped{stopped}")
