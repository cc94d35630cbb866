"""Command line: ``malariascope [gui|classify|train|evaluate] ...``.

Heavy libraries (TensorFlow, PySide6, ONNX Runtime) are imported inside the command that needs
them, so ``--version`` and ``--help`` answer at once. Core exceptions become one line on stderr
and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from malariascope import __version__

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  #: the shell's code for a process stopped by Ctrl-C
TRAIN_MODULES = ("tensorflow", "keras", "tf2onnx", "onnx")  # pyproject's `train` extra
MODES = ("auto", "cell", "field")  # core.pipeline.MODES, spelt out: --help stays instant
MAX_SEED = 2**32 - 1  # the largest seed NumPy (so keras.utils.set_random_seed) takes
MIN_INPUT_SIZE = 8  # training.model pools three times by 2; spelt out: --help stays instant


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="malariascope", description="Malaria screening of thin blood smear cell images."
    )
    parser.add_argument("--version", action="version", version=f"malariascope {__version__}")
    commands = parser.add_subparsers(dest="command")

    gui = commands.add_parser("gui", help="open the desktop app (the default with no command)")
    gui.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="images or folders")
    gui.add_argument("--smoke-test", action="store_true",
                     help="show the window, load the model, screen PATHs, print timings, exit")
    gui.set_defaults(run=_run_gui)

    classify = commands.add_parser("classify", help="screen images and folders to a CSV report")
    _add_classify_arguments(classify)
    classify.set_defaults(run=_run_classify)

    train = commands.add_parser("train", help="rebuild the model from ROOT/{train,test}/{class}")
    train.add_argument("data_root", type=Path)
    train.add_argument("--out", type=Path, default=Path("models"))
    train.add_argument("--epochs", type=whole_number(1), default=15)
    train.add_argument("--seed", type=whole_number(0, MAX_SEED), default=1)
    train.add_argument("--input-size", type=whole_number(MIN_INPUT_SIZE), default=64)
    train.add_argument("--learning-rate", type=positive, default=2e-3,
                       help="peak rate of the cosine schedule (e.g. 1e-4 to fine-tune)")
    train.add_argument("--init", type=Path, metavar="MODEL",
                       help="fine-tune this .keras model instead of starting from fresh weights")
    train.add_argument("--overwrite", action="store_true",
                       help="replace a model already in the --out folder")
    train.set_defaults(run=_run_train)

    evaluate = commands.add_parser("evaluate", help="score a model on DIR/{parasitized,uninfected}")
    evaluate.add_argument("folder", type=Path)
    evaluate.add_argument("--model", type=Path, help="a .keras or .onnx file beside its card")
    evaluate.add_argument("--backend", choices=("onnx", "tensorflow"))
    evaluate.add_argument("--json", type=Path, help="also write the metrics as JSON")
    evaluate.add_argument("--overwrite", action="store_true", help="replace an existing --json")
    evaluate.set_defaults(run=_run_evaluate)

    fields = commands.add_parser(
        "evaluate-fields", help="score whole-field cell finding and screening against annotations"
    )
    from malariascope import fields_command  # argparse-only imports: --help stays instant

    fields_command.add_arguments(fields)
    fields.set_defaults(run=_run_evaluate_fields)
    return parser


def _add_classify_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``classify``."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="images or folders")
    parser.add_argument("--csv", required=True, type=Path, help="report to write")
    parser.add_argument(
        "--threshold", type=probability, help="call threshold (default: model card)"
    )
    parser.add_argument("--gradcam", type=Path, metavar="DIR", help="write overlay PNGs here")
    parser.add_argument(
        "--mode", choices=MODES, default="auto",
        help="auto: images much larger than a cell are whole fields, each cell found gets a "
        "row; cell: every image is one cell; field: every image is a whole field",
    )
    parser.add_argument("--sample-id", default="")
    parser.add_argument("--operator", default="")
    parser.add_argument("--backend", choices=("onnx", "tensorflow"), default="onnx")
    parser.add_argument("--model", type=Path, help="model card or file (default: bundled)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing report")
    parser.add_argument("--no-recursive", action="store_true", help="do not enter subfolders")


def probability(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1 (every ``--threshold``)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"threshold must be between 0 and 1, got {text!r}")
    return value


@contextlib.contextmanager
def in_cli_words() -> Iterator[None]:
    """An existing report or model is refused with the CLI's way to allow it."""
    from malariascope.core.errors import ModelExistsError, ReportExistsError

    try:
        yield
    except ReportExistsError as exc:
        raise ReportExistsError(exc.path, "pass --overwrite") from None
    except ModelExistsError as exc:
        raise ModelExistsError(exc.folder, exc.names, "pass --overwrite") from None


def problem(line: str) -> None:
    """One line on stderr, above a progress bar when one is drawn (not through it)."""
    from tqdm import tqdm  # here, not at the top: --help stays instant

    tqdm.write(line, file=sys.stderr)


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (``train --epochs 0``,
    ``--input-size 4`` or ``--seed -1`` got through, to a traceback from deep in Keras)."""
    words = f"from {low} to {high}" if high is not None else f"of at least {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be a whole number {words}, got {text!r}")
        return value

    return parse


def positive(text: str) -> float:
    """An argparse type: a number above 0 (``--learning-rate``)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        args = parser.parse_args(["gui"])  # plain ``malariascope`` opens the app
    from malariascope.core.errors import MalariaScopeError

    try:
        return args.run(args)
    except MalariaScopeError as exc:
        print(f"malariascope: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # e.g. a second Ctrl-C in classify: no report is written
        print("malariascope: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as exc:  # e.g. `train` in the app bundle, which has no TensorFlow
        print(f"malariascope: error: {_missing_module(args.command, exc)}", file=sys.stderr)
        return EXIT_USAGE


def _missing_module(command: str, exc: ModuleNotFoundError) -> str:
    """What is missing and how to get it: only training's libraries come with the ``train``
    extra; any other missing module means a broken install, which that extra would not mend."""
    module = (exc.name or str(exc)).partition(".")[0]
    if module in TRAIN_MODULES:
        fix = "install with: pip install 'malariascope[train]'"
    else:
        fix = "install MalariaScope with its dependencies: pip install malariascope"
    return f"'{command}' needs the module '{module}', which is not installed here; {fix}"


def _run_gui(args: argparse.Namespace) -> int:
    from malariascope.gui.app import run  # PySide6 only here: --version stays instant

    return run(args.paths, smoke_test=args.smoke_test)


def _run_classify(args: argparse.Namespace) -> int:
    from malariascope.classify_command import run

    return run(args)


def _run_evaluate_fields(args: argparse.Namespace) -> int:
    from malariascope.fields_command import run

    return run(args)


def _run_train(args: argparse.Namespace) -> int:
    from malariascope.training.train import TrainConfig, train

    config = TrainConfig(
        data_root=args.data_root,
        out_dir=args.out,
        epochs=args.epochs,
        seed=args.seed,
        input_size=args.input_size,
        learning_rate=args.learning_rate,
        init_model=args.init,
        overwrite=args.overwrite,
    )
    with in_cli_words():
        card = train(config, log=lambda line: print(line, flush=True))
    print(f"wrote {args.out / card['files']['keras']['name']} and its card", flush=True)
    return EXIT_OK


def _run_evaluate(args: argparse.Namespace) -> int:
    from malariascope.core.evaluate import evaluate_folder, format_metrics

    if args.json:  # before the folder is screened: a wrong place costs nothing
        from malariascope.core.report import check_file_target

        with in_cli_words():
            check_file_target(args.json, args.overwrite, "the figures")
    metrics = evaluate_folder(args.folder, model=args.model, backend=args.backend)
    print(format_metrics(metrics))
    if args.json:
        from malariascope.core.report import write_json

        write_json(args.json, metrics)
    return EXIT_OK
