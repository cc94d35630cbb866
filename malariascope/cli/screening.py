"""``classify``'s screening loop: each image file's results to the report and to what else
the run makes of them (the unlikeness meter, Grad-CAM overlays, the PDF's galleries), a file
without a call told on stderr in one line, named as the window names it; at the end, what
the run left out and made beside the report (:func:`tell_beside`)."""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.cli._common import problem, progress_bar
from malariascope.cli.stopping import AGAIN
from malariascope.core.words import counted

if TYPE_CHECKING:
    from malariascope.cli.casepdf import Galleries
    from malariascope.cli.overlays import Overlays
    from malariascope.core.adapt.learned import LearnedMarks
    from malariascope.core.adapt.unlike import UnlikeMeter
    from malariascope.core.copies import Copies
    from malariascope.core.names import GivenNames
    from malariascope.core.pipeline import ScreeningResult
    from malariascope.core.report import ReportWriter


@dataclass
class Sinks:
    """What a run makes of each image file's results beside its report rows."""

    copies: Copies  # copies of a file screened before are left out
    meter: UnlikeMeter
    names: GivenNames  # how stderr names a file
    learned: LearnedMarks  # the images the model learned from in adaptation
    overlays: Overlays | None = None
    galleries: Galleries | None = None
    #: images screened as one cell (``--mode cell``) that look like whole fields: those
    #: loaded (``pipeline.screen`` adds them), and how many of them were reported
    looking_like_fields: set[Path] = field(default_factory=set)
    fields_as_cells: int = 0


def screen_into(writer: ReportWriter, results: Generator[ScreeningResult, None, None],
                sinks: Sinks, stop: threading.Event) -> bool:
    """Feed results to the report (and to ``sinks``), an image at a time, copies of an image
    before them left out, to their end: once ``stop`` is set (Ctrl-C), they end with the
    cells the model has called (``core.pipeline.screen``), all of them reported. Returns True
    when stopped so. ``results`` is closed here, so that a second Ctrl-C while its loaders
    stop is raised, not ignored."""
    from malariascope.core.pipeline import whole_files

    if stop.is_set():  # while the model loaded: no image is begun
        return True
    bar, told = progress_bar("img"), False
    try:
        for image_results in whole_files(results):
            if not sinks.copies.is_copy(image_results):
                _add_file(writer, image_results, sinks)
            bar.update()
            if stop.is_set() and not told:
                problem("malariascope: stopped; the report is written once the files being "
                        f"read are done ({AGAIN})")
                told = True
    finally:
        bar.close()
        results.close()
    return stop.is_set()


def _add_file(writer: ReportWriter, results: list[ScreeningResult], sinks: Sinks) -> None:
    """Report the rows of one image file, and pass its cells on to what else they make."""
    from malariascope.core.report import report_row

    sinks.meter.add_file(results)
    sinks.learned.mark(results)
    if results[0].path in sinks.looking_like_fields:
        sinks.fields_as_cells += 1
    for result in results:
        writer.add(report_row(result, writer.facts))
        if sinks.galleries:
            sinks.galleries.add(result)
        if not result.ok:
            problem(f"{sinks.names(result.path)}: {result.error}")
            continue
        if sinks.overlays:
            sinks.overlays.write(result)


def tell_beside(writer: ReportWriter, sinks: Sinks) -> None:
    """Tell on stderr what the batch left out as copies, how unlike the model's cells it
    looks, which images the model learned from, and what ``sinks`` made of it beside the
    report."""
    if sinks.copies.left_out:
        problem(f"malariascope: {sinks.copies.words('other files of the batch')}")
    if sinks.fields_as_cells:
        problem(f"malariascope: {_fields_as_cells(sinks.fields_as_cells)}")
    if writer.unlike.warn:
        problem(f"malariascope: {writer.unlike.message}")
    if sinks.learned.paths:
        problem(f"malariascope: warning: {sinks.learned.words()}")
    if sinks.overlays:
        sinks.overlays.tell_kept()


def _fields_as_cells(count: int) -> str:
    """What ``--mode cell`` made of ``count`` images that look like whole fields (the rule of
    ``--mode auto``)."""
    looking = counted(count, "image that looks like a whole field",
                      "images that look like whole fields")
    return (f"--mode cell screened each image as one cell, {looking} among them: --mode auto "
            "or --mode field screens each cell found in a field")
