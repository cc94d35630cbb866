"""``malariascope classify PATH... --csv OUT``: headless batch screening to a CSV report.

A thin layer over ``core.pipeline.screen`` and ``core.report``: a progress bar on a terminal
(tqdm), one line per problem on stderr, and on Ctrl-C the rows done so far are still written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from malariascope.core.atomic import write_bytes_atomic
from malariascope.core.classifier import PARASITIZED, CallRule, Classifier
from malariascope.core.discovery import Discovery
from malariascope.core.errors import ImageReadError
from malariascope.core.gradcam import heatmap, overlay
from malariascope.core.imageio import encode_png, read_image
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.report import BatchInfo, ReportWriter, report_row

EXIT_OK, EXIT_SOME_FAILED, EXIT_NOTHING_READ = 0, 1, 2


def run(args: argparse.Namespace) -> int:
    """Screen every image, write the report; exit 0 all ok, 1 some errors, 2 none read."""
    classifier = Classifier.open(args.model, args.backend)
    rule = (
        classifier.rule
        if args.threshold is None
        else classifier.rule.with_threshold(args.threshold)
    )
    info = BatchInfo(
        classifier.model_name, classifier.backend.model_sha256, args.sample_id, args.operator
    )
    if args.gradcam:
        args.gradcam.mkdir(parents=True, exist_ok=True)
    found = Discovery(args.paths, recursive=not args.no_recursive)
    with ReportWriter(args.csv, info, overwrite=args.overwrite) as writer:
        interrupted = _screen_into(writer, found, classifier, rule, args.gradcam)
    for path in found.missing:
        _problem(f"{path}: no such file or folder")
    summary = writer.summary
    print(
        f"{summary.images} images: {summary.calls[PARASITIZED]} parasitized, "
        f"{summary.images - summary.errors - summary.calls[PARASITIZED]} uninfected, "
        f"{summary.errors} errors, {len(found.skipped)} non-image files skipped"
        f"{' (interrupted)' if interrupted else ''}; report {writer.path}",
        file=sys.stderr,
    )
    if summary.images == summary.errors:
        return EXIT_NOTHING_READ
    return EXIT_SOME_FAILED if summary.errors or interrupted else EXIT_OK


def _screen_into(
    writer: ReportWriter,
    found: Discovery,
    classifier: Classifier,
    rule: CallRule,
    gradcam_dir: Path | None,
) -> bool:
    """Feed results to the report; returns True when stopped by Ctrl-C (rows kept)."""
    bar = tqdm(unit="img", disable=not sys.stderr.isatty(), file=sys.stderr)
    try:
        for result in screen(found, classifier):
            writer.add(report_row(result, rule, writer.info))
            bar.update()
            if not result.ok:
                bar.write(f"{result.path}: {result.error}", file=sys.stderr)
            elif gradcam_dir:
                _write_overlay(result, rule, gradcam_dir)
    except KeyboardInterrupt:
        return True
    finally:
        bar.close()
    return False


def _write_overlay(result: ScreeningResult, rule: CallRule, folder: Path) -> None:
    """One Grad-CAM overlay PNG named after the image and its hash (names may repeat)."""
    try:
        image = read_image(result.path)
    except ImageReadError as exc:  # changed since it was screened
        _problem(f"{result.path}: no Grad-CAM: {exc}")
        return
    positive = rule.call(result.probability) == PARASITIZED
    heat = heatmap(result.class_map, image.shape, positive=positive)
    target = folder / f"{result.path.stem}_{result.sha256[:8]}_gradcam.png"
    write_bytes_atomic(target, encode_png(overlay(image, heat)))


def _problem(line: str) -> None:
    print(line, file=sys.stderr)
