"""``malariascope classify PATH... --csv OUT``: headless batch screening to a CSV report.

A thin layer over ``core.pipeline.screen`` and ``core.report``: a progress bar on a terminal
(counting files), one line per problem on stderr. Ctrl-C stops after the image being screened
and the rows done so far are still written, whole images only (a report never holds part of a
field); a second Ctrl-C stops at once, without a report. Whole fields give one row per cell
found (``--mode`` decides what is a field).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.cli._common import (
    EXIT_NOTHING_READ,
    EXIT_OK,
    EXIT_SOME_FAILED,
    add_model_arguments,
    call_rule,
    in_cli_words,
    probability,
    problem,
    progress_bar,
)
from malariascope.core.errors import MalariaScopeError, ReportError
from malariascope.core.options import MODES

if TYPE_CHECKING:
    from malariascope.cli.overlays import Overlays
    from malariascope.core.facts import BatchFacts
    from malariascope.core.pipeline import ScreeningResult
    from malariascope.core.report import ReportWriter
    from malariascope.core.tally import Counts, Tally

HELP = "screen images and folders to a CSV report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``classify``."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="images or folders")
    parser.add_argument("--csv", required=True, type=Path, help="report to write")
    parser.add_argument("--threshold", type=probability,
                        help="call threshold (default: model card)")
    parser.add_argument("--gradcam", type=Path, metavar="DIR", help="write overlay PNGs here")
    parser.add_argument(
        "--mode", choices=MODES, default="auto",
        help="auto: images much larger than a cell are whole fields, each cell found gets a "
        "row; cell: every image is one cell; field: every image is a whole field",
    )
    parser.add_argument("--sample-id", default="")
    parser.add_argument("--operator", default="")
    add_model_arguments(parser)
    parser.add_argument("--overwrite", action="store_true", help="replace an existing report")
    parser.add_argument("--no-recursive", action="store_true", help="do not enter subfolders")


def run(args: argparse.Namespace) -> int:
    """Screen every image, write the report; exit 0 all ok, 1 some images errors or missing,
    2 none read (no report at all when no image was found)."""
    from malariascope.core.atomic import output_folder
    from malariascope.core.report import check_target

    with in_cli_words():  # before the model loads or the overlay folder is made
        check_target(args.csv, args.overwrite)
    if args.gradcam is None:
        return _classify(args)
    _refuse_input_folder(args.gradcam, args.paths)
    with output_folder(args.gradcam, "Grad-CAM overlays", ReportError):  # before the model
        return _classify(args)


def _classify(args: argparse.Namespace) -> int:
    """:func:`run`, once the report's place and the overlay folder are known to be good."""
    from malariascope.cli.overlays import Overlays
    from malariascope.core.classifier import Classifier
    from malariascope.core.discovery import Discovery
    from malariascope.core.facts import BatchFacts
    from malariascope.core.pipeline import screen

    classifier = Classifier.open(args.model, args.backend)
    rule = call_rule(classifier, args.threshold)
    info = BatchFacts.of(classifier, sample_id=args.sample_id, operator=args.operator, rule=rule)
    found = Discovery(args.paths, recursive=not args.no_recursive,
                      exclude=[args.gradcam] if args.gradcam else [])
    overlays = Overlays(args.gradcam, rule) if args.gradcam else None
    with _stop_requests() as stop, _open_report(args, info) as writer:
        interrupted = _screen_into(writer, screen(found, classifier, mode=args.mode), overlays,
                                   stop)
        for path in found.missing:  # absent, or a folder that would not open
            why_not = "cannot read this folder" if path.exists() else "no such file or folder"
            problem(f"{path}: {why_not}")
        if writer.tally.images == 0 and interrupted:  # nothing done: as a second Ctrl-C
            raise KeyboardInterrupt
        if writer.tally.images == 0:  # leaving the block drops the report
            raise NoImagesError(f"no images found ({len(found.skipped)} non-image files "
                                "skipped); no report written")
    counts = writer.tally.batch
    problem(_totals(writer.tally, len(found.skipped), interrupted) + f"; report {writer.path}")
    if counts.classified == 0:
        return EXIT_NOTHING_READ
    overlays_stopped = overlays is not None and overlays.stopped
    incomplete = counts.errors or found.missing or interrupted or overlays_stopped
    return EXIT_SOME_FAILED if incomplete else EXIT_OK


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


def _open_report(args: argparse.Namespace, info: BatchFacts) -> ReportWriter:
    """The report's writer (the place is checked again: it may have changed meanwhile)."""
    from malariascope.core.report import ReportWriter

    with in_cli_words():
        return ReportWriter(args.csv, info, args.overwrite)


def _totals(tally: Tally, skipped: int, interrupted: bool) -> str:
    """One line of totals for stderr."""
    counts = tally.batch
    fields = f" ({len(tally.fields)} whole fields)" if tally.fields else ""
    return (f"{tally.images} images{fields}: {counts.classified} cells classified, "
            f"{counts.parasitized} parasitized{_percent(counts)}, "
            f"{counts.uninfected} uninfected, {counts.errors} errors, "
            f"{skipped} non-image files skipped{' (interrupted)' if interrupted else ''}")


def _percent(counts: Counts) -> str:
    """The parasitemia after the parasitized count, as ' (2.15 %)'; nothing when no cell
    was called."""
    text = counts.percent_text(2)
    return f" ({text} %)" if text else ""


def _screen_into(writer: ReportWriter, results: Generator[ScreeningResult, None, None],
                 overlays: Overlays | None, stop: threading.Event) -> bool:
    """Feed results to the report, an image at a time, until ``stop`` is set (Ctrl-C);
    returns True when stopped so (the rows of the images done are kept). ``results`` is closed
    here, so that a second Ctrl-C while its loaders stop is raised, not ignored."""
    from malariascope.core.pipeline import whole_files
    from malariascope.core.report import report_row

    bar = progress_bar("img")
    try:
        for image_results in whole_files(results):
            for result in image_results:
                writer.add(report_row(result, writer.facts))
                if not result.ok:
                    problem(f"{result.path}: {result.error}")
                elif overlays:
                    overlays.write(result)
            bar.update()
            if stop.is_set():
                return True
    finally:
        bar.close()
        results.close()
    return False


@contextlib.contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """An event set by Ctrl-C, which then stops nothing by itself: the loop stops between
    images. A second Ctrl-C raises KeyboardInterrupt as usual. Set before the report is
    opened, so that no Ctrl-C falls between the two."""
    stop = threading.Event()

    def request(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nmalariascope: stopping after this image (Ctrl-C again: stop now, no report)",
              file=sys.stderr)

    previous = signal.signal(signal.SIGINT, request)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
