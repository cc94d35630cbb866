"""``malariascope train ROOT``: rebuild the model from ``ROOT/{train,test}/{class}``, or from
the class folders as published, split here by slide."""

from __future__ import annotations

import argparse

from malariascope.cli._common import (
    EXIT_OK,
    MAX_SEED,
    add_split_arguments,
    in_cli_words,
    number,
    path_argument,
)
from malariascope.cli.stopping import StopAtOnce
from malariascope.core.options import MAX_INPUT_SIZE, MIN_INPUT_SIZE
from malariascope.core.recipe import PARASITE_SHARE

HELP = "rebuild the model from ROOT/{train,test}/{class} or ROOT/{class} as published"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``train``."""
    parser.add_argument("data_root", type=path_argument, metavar="ROOT",
                        help="cell images in ROOT/{train,test}/{class}, or the class folders "
                        "as published")
    parser.add_argument("--out", type=path_argument, metavar="DIR", default="models",
                        help="folder for the model and its card (default: %(default)s)")
    parser.add_argument("--epochs", type=number(1, whole=True), default=15,
                        help="at most this many passes over the training cells (default: "
                        "%(default)s)")
    add_split_arguments(parser)
    parser.add_argument("--split-seed", type=number(0, MAX_SEED, whole=True), metavar="N",
                        help="draw the validation slides with this seed instead of --seed, so "
                        "runs of several seeds are measured on the same patients")
    parser.add_argument("--strict-split", action="store_true",
                        help="refuse test slides that also appear in train")
    parser.add_argument("--input-size", type=number(MIN_INPUT_SIZE, MAX_INPUT_SIZE, whole=True),
                        default=64, metavar="PX",
                        help="side of the square cell image the network takes (default: "
                        "%(default)s)")
    parser.add_argument("--members", type=number(1, 8, whole=True), default=1,
                        help="train this many networks side by side and join them into one "
                        "model (the mean of their logits)")
    parser.add_argument("--width", type=number(0.25, 2.0), default=1.0,
                        help="each network's share of the base network's filters "
                        "(0.5: a quarter of the compute)")
    parser.add_argument("--patience", type=number(1, whole=True), default=5,
                        help="stop after this many epochs without a better validation AUC "
                        "(the best epoch's weights are kept)")
    parser.add_argument("--trim", type=number(0, 0.5), default=0.0,
                        help="leave each batch's highest-loss share of cells out of the loss "
                        "(for cells filed under the wrong class)")
    parser.add_argument("--overlap", type=number(0, 1), default=0.0, metavar="SHARE",
                        help="lay a healthy neighbour across this share of the cells, as red "
                        "cells overlap in a crowded smear")
    parser.add_argument("--streaks", type=number(0, 1), default=0.0, metavar="SHARE",
                        help="draw a stained streak across this share of the cells, as a "
                        "fibre or stain precipitate crosses a healthy cell")
    parser.add_argument("--parasites", type=number(0, 1), default=PARASITE_SHARE,
                        metavar="SHARE", help="give this share of the healthy cells a "
                        "synthetic P. vivax-like parasite (default: %(default)s)")
    parser.add_argument("--label-review", type=path_argument, metavar="CSV",
                        help="leave out the cells whose label this review contradicts "
                        "(columns image, class, seen; e.g. docs/nih-label-review.csv)")
    parser.add_argument("--average-from", type=number(1, whole=True), metavar="EPOCH",
                        help="keep the mean of the weights at the end of this epoch and every "
                        "later one instead of the best epoch's (stochastic weight averaging)")
    parser.add_argument("--learning-rate", type=number(0, open_ends=True), default=2e-3,
                        help="peak rate of the cosine schedule (e.g. 1e-4 to fine-tune)")
    parser.add_argument("--init", type=path_argument, metavar="MODEL",
                        help="fine-tune this .keras model (with the model-card.json that "
                        "lists it beside it), or their folder, instead of fresh weights")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a model already in the --out folder")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's own start-up messages and warnings")


def run(args: argparse.Namespace) -> int:
    """Train, export the model, its card and the split's manifest into ``--out``."""
    from malariascope.core.split import refuse_among_cells
    from malariascope.training.initfile import checked_init_file

    # train() refuses it too; told here, it is told before TensorFlow takes seconds to load.
    refuse_among_cells(args.out, args.data_root, "the model")
    if args.init is not None:
        checked_init_file(args.init)
    # A stop signal ends the run until its model goes into place, and is ignored from then on
    # (for good in the program's own process): the line that tells of the model is true.
    with StopAtOnce(for_good=args.own_process) as stops:
        return _train(args, stops)


def _train(args: argparse.Namespace, stops: StopAtOnce) -> int:
    """:func:`run` with its signals taken: one that a library swallows still stops it."""
    from malariascope.cli._tensorflow import import_tensorflow

    with stops.imports():
        import_tensorflow(args.verbose)
        from malariascope.training.train import TrainConfig, train

    config = TrainConfig(
        data_root=args.data_root,
        out_dir=args.out,
        epochs=args.epochs,
        seed=args.seed,
        split_seed=args.split_seed,
        input_size=args.input_size,
        learning_rate=args.learning_rate,
        members=args.members,
        width=args.width,
        patience=args.patience,
        trim=args.trim,
        overlap=args.overlap,
        streaks=args.streaks,
        parasites=args.parasites,
        init_model=args.init,
        overwrite=args.overwrite,
        test_per_class=args.test_per_class,
        strict_split=args.strict_split,
        label_review=args.label_review,
        average_from=args.average_from,
    )
    with in_cli_words():
        card = train(config, log=lambda line: print(line, flush=True), stop=stops.stop,
                     commit=stops.commit, checked=stops.checked)
    print(f"wrote {args.out / card.files['keras'].name} and its card", flush=True)
    return EXIT_OK
