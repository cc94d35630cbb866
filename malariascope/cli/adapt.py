"""``malariascope adapt [SOURCE...] [--case UID...] --out DIR``: adapt the model to a lab's
reviewed cells, from files or from signed cases of the case register."""

from __future__ import annotations

import argparse

from malariascope.cli._common import EXIT_OK, in_cli_words, path_argument, problem, progress_bar
from malariascope.cli._wildcards import PathsAction
from malariascope.core.errors import DatasetError

HELP = ("adapt the model to a lab's reviewed cells (class folders, annotated fields, reports, "
        "signed cases of the register)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``adapt``."""
    parser.add_argument("sources", type=path_argument, nargs="*", action=PathsAction,
                        metavar="SOURCE",
                        help="a folder with parasitized/ and uninfected/, a folder of whole "
                             "fields with annotations, or a reviewed report .csv")
    parser.add_argument("--case", action="append", default=[], metavar="UID",
                        help="a signed case of the case register, by its uid (or its first "
                             "characters, as `cases list` shows); repeat for more cases")
    parser.add_argument("--out", type=path_argument, required=True, metavar="DIR",
                        help="folder for the adapted model (beside the base model's folder)")
    parser.add_argument("--annotations", type=path_argument, metavar="FILE",
                        help="annotations of the fields folders (default: their "
                             "annotations.json)")
    parser.add_argument("--base", type=path_argument, metavar="MODEL",
                        help="the model to adapt (default: the bundled model)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a model already in the --out folder")


def run(args: argparse.Namespace) -> int:
    """Adapt, print the held-out figures before and after, write the model folder."""
    from malariascope.core.adapt.registered import open_cases
    from malariascope.core.adapt.run import adapt, open_source, write_model
    from malariascope.core.adapt.sources import AnnotatedFields
    from malariascope.core.adapt.target import check_images, check_target
    from malariascope.core.adapt.wording import as_text, skipped_lines
    from malariascope.core.datadir import data_dir
    from malariascope.core.modelcard import load_card

    with in_cli_words():
        if not args.sources and not args.case:
            raise DatasetError("give the reviewed cells: a SOURCE or a --case")
        inputs = [*args.sources, *([args.annotations] if args.annotations else [])]
        check_target(args.out, load_card(args.base), args.overwrite, inputs)  # before work
        sources = [open_source(path, args.annotations) for path in args.sources]
        if args.annotations and not any(isinstance(s, AnnotatedFields) for s in sources):
            raise DatasetError(f"--annotations {args.annotations} annotates a SOURCE folder of "
                               "whole fields, and no SOURCE is one: give that folder or leave "
                               "--annotations out")
        check_images(args.out, sources)  # once the reports are read, before the work
        sources += open_cases(data_dir(), args.case)
        try:
            with progress_bar("cells") as cells, progress_bar("steps") as steps:
                adaptation = adapt(sources, args.base, progress=_progress(cells, steps))
        finally:  # also when the adaptation is refused: the lab sees what was left out
            for line in skipped_lines(source.record for source in sources):
                problem(f"malariascope: warning: {line}")
        card = write_model(adaptation, args.out, args.overwrite)
    print(as_text(adaptation.facts()))
    print(f"wrote {card} (its base model's file is used, not copied)")
    return EXIT_OK


def _progress(cells, steps):
    """Cells read on one bar; the steps of fitting, measured held out then on all, on the
    other."""
    def report(stage: str, done: int, total: int) -> None:
        bar = cells if stage == "reading" else steps
        if bar is steps:
            bar.total = total
            bar.set_description(stage, refresh=False)
        bar.update(done - bar.n)
    return report

