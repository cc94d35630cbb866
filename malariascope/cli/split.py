"""``malariascope split ROOT --out DIR``: the class folders as published, split by slide into
``DIR/{train,test}/{class}`` (as ``train`` splits them), for other tools; no TensorFlow."""

from __future__ import annotations

import argparse

from malariascope.cli._common import EXIT_OK, add_split_arguments, in_cli_words, path_argument
from malariascope.cli.stopping import StopAtOnce
from malariascope.core.words import counted

HELP = "split ROOT/{class} by slide into DIR/{train,test}/{class}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``split``."""
    parser.add_argument("data_root", type=path_argument, metavar="ROOT",
                        help="the class folders as published (ROOT/{class})")
    parser.add_argument("--out", type=path_argument, metavar="DIR", required=True,
                        help="folder to write DIR/{train,test}/{class} in")
    add_split_arguments(parser)
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the train/, test/ and split.csv of a DIR that holds files")


def run(args: argparse.Namespace) -> int:
    """Write the folders (hard links where possible) and ``DIR/split.csv``."""
    from malariascope.core.errors import DatasetError
    from malariascope.core.split import MANIFEST_NAME, open_split
    from malariascope.core.splitfolders import write_split_folders

    split = open_split(args.data_root, args.test_per_class, args.seed)
    if split.classes_in is None:
        raise DatasetError(f"{args.data_root} is split into train/ and test/ already")
    # A stop signal ends the run until its split goes into place, and is ignored from then on
    # (for good in the program's own process): the line below tells a split that is written.
    with StopAtOnce(for_good=args.own_process) as stops, in_cli_words():
        copied = write_split_folders(split, args.out, args.overwrite, commit=stops.commit)
    cells = len(split.train) + len(split.test)
    how = ("hard links" if not copied else "copies" if copied == cells
           else f"{counted(cells - copied, 'hard link')}, {counted(copied, 'copy', 'copies')}")
    print(f"train {counted(len(split.train), 'cell')} / test {counted(len(split.test), 'cell')} "
          "(by slide): wrote "
          f"{args.out / 'train'} and {args.out / 'test'} ({how}), and {args.out / MANIFEST_NAME}")
    return EXIT_OK
