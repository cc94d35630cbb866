"""``malariascope evaluate DIR``: score a model on ``DIR/{parasitized,uninfected}``."""

from __future__ import annotations

import argparse

from malariascope.cli._common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    add_json_arguments,
    add_model_arguments,
    check_json_target,
    chosen_backend,
    model_inputs,
    path_argument,
    problem,
    write_json,
)

HELP = "score a model on DIR/{parasitized,uninfected}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``evaluate``."""
    parser.add_argument("folder", type=path_argument, metavar="DIR",
                        help="labelled cells: a folder of parasitized/ and uninfected/ folders")
    add_model_arguments(parser)
    add_json_arguments(parser)
    parser.add_argument("--strict-split", action="store_true",
                        help="refuse a DIR named test whose slides the train folder beside it "
                        "also has")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's own start-up messages (tensorflow backend)")


def run(args: argparse.Namespace) -> int:
    """Print the figures (and write them to ``--json``); exit 0, or 1 when some images could
    not be screened, unreadable or refused (each is named on stderr; the figures leave them
    out)."""
    from malariascope.core.errors import DatasetError
    from malariascope.core.evaluate import evaluate_folder
    from malariascope.core.split import beside_train_overlap, checked_overlap

    check_json_target(args.json, args.overwrite,  # costs nothing yet
                      inputs=[args.folder, *model_inputs(args.model)])
    overlap = beside_train_overlap(args.folder, args.strict_split)
    if overlap is None and args.strict_split:  # asked for, the check is never skipped unsaid
        raise DatasetError(f"--strict-split compares a folder named test with the train "
                           f"folder of class folders beside it: {args.folder} has none")
    warning = None if overlap is None else checked_overlap(overlap, args.strict_split)
    if warning:
        problem(warning)
    backend = chosen_backend(args.model, args.backend, args.verbose)
    evaluation = evaluate_folder(args.folder, model=args.model, backend=backend)
    for result in evaluation.unread:
        problem(f"{result.path}: {result.error}")
    print(evaluation.format())
    shared = {} if overlap is None else {"test_slides_shared_with_train": overlap.shared}
    write_json(args.json, {**evaluation.to_dict(), **shared}, args.overwrite)
    return EXIT_SOME_FAILED if evaluation.unreadable else EXIT_OK
