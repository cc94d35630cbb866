"""``malariascope evaluate-fields DIR --annotations FILE [--json OUT]``.

Runs the whole-field pipeline (find cells, screen each, parasitemia) on every annotated field
in DIR and scores it against the readers' boxes: cell-finding recall and precision, parasitemia
error, and screening of the annotated cells. A thin layer over ``core.fields.scoring``.
"""

from __future__ import annotations

import argparse

from malariascope.cli._common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    add_json_arguments,
    add_model_arguments,
    call_rule,
    check_json_target,
    chosen_backend,
    model_inputs,
    number,
    path_argument,
    probability,
    problem,
    progress_bar,
    write_json,
)
from malariascope.core.options import MAX_CELL_RADIUS, MIN_CELL_RADIUS

HELP = "score whole-field cell finding and screening against annotations"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``evaluate-fields``."""
    parser.add_argument("folder", type=path_argument, metavar="DIR", help="folder of field images")
    parser.add_argument("--annotations", required=True, type=path_argument, metavar="FILE",
                        help="annotation JSON (IML-Malaria layout)")
    add_json_arguments(parser)
    add_model_arguments(parser)
    parser.add_argument("--threshold", type=probability,
                        help="call threshold (default: model card)")
    parser.add_argument("--cell-radius", type=number(MIN_CELL_RADIUS, MAX_CELL_RADIUS),
                        metavar="PX", help=f"typical cell radius in pixels, {MIN_CELL_RADIUS} "
                        f"to {MAX_CELL_RADIUS} (the IML fields' are 28 to 39; default: "
                        "estimated per field)")


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the figures; exit 0, or 1 when some fields were absent or unreadable."""
    from malariascope.core.classifier import Classifier
    from malariascope.core.fields import FieldParams
    from malariascope.core.fields.annotations import annotated_images, load_annotations
    from malariascope.core.fields.scoring import UNSCORED, score_fields
    from malariascope.core.fields.summary import summarize

    check_json_target(args.json, args.overwrite,
                      inputs=[args.annotations, args.folder, *model_inputs(args.model)])
    backend = chosen_backend(args.model, args.backend)  # an argument refused before any work
    annotations = load_annotations(args.annotations)
    items, absent = annotated_images(args.folder, annotations)
    for name in absent:
        problem(f"{name}: annotated but not in the folder")
    classifier = Classifier.open(args.model, backend)
    rule = call_rule(classifier, args.threshold)
    bar = progress_bar("field", total=len(items))
    scores = []
    for score in score_fields(items, classifier, FieldParams(cell_radius=args.cell_radius), rule):
        scores.append(score)
        if score.error:
            problem(f"{score.name}: {score.error}")
        elif score.unscored:
            problem(f"{score.name}: {UNSCORED[score.unscored]}, left out of the figures")
        bar.update()
    bar.close()
    summary = summarize(scores, rule, classifier.model_name, classifier.backend.model_sha256,
                        absent)
    print(summary.format())
    write_json(args.json, summary.to_dict(), args.overwrite)
    return EXIT_SOME_FAILED if absent or summary.unreadable else EXIT_OK

