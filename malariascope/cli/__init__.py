"""Command line: ``malariascope [gui|classify|cases|train|split|evaluate|evaluate-fields|adapt]``.

Each command is a module with ``add_arguments(parser)`` and ``run(args)``. Heavy libraries
(TensorFlow, PySide6, ONNX Runtime, NumPy) are imported inside ``run``, so ``--version`` and
``--help`` answer at once. Core exceptions become one line on stderr and an exit code, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn

from malariascope import __version__
from malariascope.cli import adapt, cases, classify, evaluate, evaluate_fields, gui, split, train
from malariascope.cli._common import EXIT_INTERRUPTED, EXIT_SOME_FAILED, EXIT_USAGE, printable
from malariascope.cli._process import (
    CheckedStdout,
    StdoutError,
    checked_stdout,
    drop_stdout,
    end_interrupted,
    ignore_stops,
    sigterm_as_ctrl_c,
    sturdy_stderr,
)
from malariascope.core.unfinished import COMMAND, WINDOW, written_by

#: Command name -> its module; ``gui`` runs when no command is given.
COMMANDS = {"gui": gui, "classify": classify, "cases": cases, "train": train, "split": split,
            "evaluate": evaluate, "evaluate-fields": evaluate_fields, "adapt": adapt}
TRAIN_MODULES = ("tensorflow", "keras", "tf2onnx", "onnx")  # pyproject's `train` extra
TRAINING = "malariascope.training"  # the package's own training code, for the `train` extra
#: What the app bundle leaves out on purpose (the spec's EXCLUDES): `evaluate` needs
#: scikit-learn, `evaluate-fields` SciPy, `train` the `train` extra and our training code.
BUNDLE_LEAVES_OUT = ("sklearn", "scipy", TRAINING, *TRAIN_MODULES)


class _StoreOnce(argparse.Action):
    """argparse's store, but an option given twice with two values is refused: argparse would
    take the last silently, and of two ``--csv`` or ``--threshold`` given (one pasted from
    another run) only one would decide the report. The same value twice means one thing and
    is taken."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        if option_string is not None and isinstance(parser, _Parser):
            first = parser.stored.setdefault(self.dest, values)
            if first != values:
                raise argparse.ArgumentError(self, f"given twice ({first}, then {values}): "
                                                   "give it once")
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, a wrong argument told in one line pointing to ``--help``, as every
    other refusal is one line; ``--help`` prints the usage. A required argument missing is
    told with the options given that the command does not take (argparse stops at the first,
    so ``--out`` for ``--csv`` would go unnamed). Options store through :class:`_StoreOnce`.
    A command's paths may stand on either side of its options (`classify a/ --csv r.csv b/`):
    argparse takes one run of them, and would refuse ``b/`` as an unrecognized argument. After
    a ``--`` every argument is a path, as argparse takes them: its intermixed parse would use
    up the ``--``."""

    _given: Sequence[str] = ()
    _intermixing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored: dict[str, object] = {}  # each option's value given, by its dest
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def parse_known_args(self, args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        given = sys.argv[1:] if args is None else list(args)
        if self._subparsers is None and not self._intermixing and "--" not in given:
            self._intermixing = True
            try:
                return self._without_extras(self.parse_known_intermixed_args(args, namespace))
            finally:
                self._intermixing = False
        self._given = given
        self.stored = {}
        parsed = super().parse_known_args(args, namespace)
        return parsed if self._intermixing else self._without_extras(parsed)

    def _without_extras(self, parsed: tuple[argparse.Namespace, list[str]]
                        ) -> tuple[argparse.Namespace, list[str]]:
        """``parsed``, refused by this parser when it is a command's (it has no commands of
        its own) and leaves arguments it does not take: the top-level parser would refuse
        them pointing to its own help, not to the command's."""
        if parsed[1] and self._subparsers is None:
            self.error(f"unrecognized arguments: {' '.join(parsed[1])}")
        return parsed

    def print_help(self, file: IO[str] | None = None) -> None:
        """argparse's, but written to stdout by :func:`_print_out`."""
        if file is not None or sys.stdout is None:
            super().print_help(file)
        else:
            _print_out(self, self.format_help(), "the help")

    def error(self, message: str) -> NoReturn:
        unknown = self._unknown_options()
        if unknown and message.startswith("the following arguments are required"):
            message += f"; unrecognized arguments: {' '.join(unknown)}"
        told = printable(message)  # argparse echoes what was typed, escape sequences too
        self.exit(EXIT_USAGE, f"{self.prog}: error: {told} (see {self.prog} --help)\n")

    def _unknown_options(self) -> list[str]:
        """The ``--`` options given that no option of this parser's begins with (argparse
        takes a prefix of one)."""
        given = list(self._given)
        given = given[:given.index("--")] if "--" in given else given
        names = [arg.partition("=")[0] for arg in given if arg.startswith("--")]
        return [name for name in names
                if not any(option.startswith(name) for option in self._option_string_actions)]


def _print_out(parser: argparse.ArgumentParser, text: str, what: str) -> None:
    """Write ``text``, ``what`` it is, to stdout. One that cannot be written (``--help >
    /dev/full``) is told in one line and exit 1, as a command's output is: argparse passes a
    failed write over, and would exit 0. A reader that left (``--help | head``) wanted no
    more."""
    stdout = CheckedStdout(sys.stdout)
    try:
        stdout.write(text)
        stdout.flush()
    except StdoutError as exc:
        drop_stdout()  # else Python's last flush fails again and exits 120
        parser.exit(EXIT_SOME_FAILED, f"malariascope: error: cannot write {what}: {exc}\n")


class _Version(argparse.Action):
    """``--version``: the program's name and version on stdout, written as the help is
    (:func:`_print_out`): argparse's own leaves a failed write (a full disk, a pipe whose
    reader has left) to Python's last flush, which ends in its notice and exit 120."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> NoReturn:
        if sys.stdout is not None:  # None when the process began with stdout closed
            _print_out(parser, f"malariascope {__version__}\n", "the version")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command (each a :class:`_Parser` too)."""
    parser = _Parser(
        prog="malariascope", description="Malaria screening of thin blood smear cell images."
    )
    parser.add_argument("--version", action=_Version,
                        help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command")
    for name, module in COMMANDS.items():
        command = commands.add_parser(name, help=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None, *, own_process: bool = False) -> int:
    """Parse ``argv`` and run the command; returns the process exit code.

    ``own_process`` is for the ``malariascope`` program itself: the command may then change
    what belongs to the whole process for good (see ``cli._process``).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    args.own_process = own_process
    if own_process:
        sigterm_as_ctrl_c(args.command)
    with sturdy_stderr(own_process), checked_stdout(), written_by(
            WINDOW if args.command == "gui" else COMMAND):  # told at the window's next start
        code = _run(args)
        if own_process:
            ignore_stops(args.command)
    if own_process and code == EXIT_INTERRUPTED:
        end_interrupted(args.command, code)
    return code


def _run(args: argparse.Namespace) -> int:
    """The command's exit code; a problem it raises becomes one line on stderr."""
    from malariascope.core.errors import MalariaScopeError

    try:
        code = args.run(args)
        if sys.stdout is not None:  # None when the process began with stdout closed
            sys.stdout.flush()  # a reader that left is met here, not in Python's last flush
        return code
    except MalariaScopeError as exc:
        print(f"malariascope: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except StdoutError as exc:  # `cases list > file` on a full disk
        print(f"malariascope: error: cannot write the output: {exc}", file=sys.stderr)
        drop_stdout()
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:  # a second Ctrl-C in classify: no report is written
        print("malariascope: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as exc:  # `train` in the app bundle, which has no TensorFlow
        print(f"malariascope: error: {_missing_module(args.command, exc)}", file=sys.stderr)
        return EXIT_USAGE


def _missing_module(command: str, exc: ModuleNotFoundError) -> str:
    """What is missing and how to get it: only training's libraries come with the ``train``
    extra; any other missing module means a broken install, which that extra would not mend.
    What the app bundle leaves out on purpose, no install mends: a Python install runs it."""
    name = exc.name or str(exc)
    module = name.partition(".")[0]
    left_out = [kept for kept in BUNDLE_LEAVES_OUT if f"{name}.".startswith(f"{kept}.")]
    if getattr(sys, "frozen", False) and left_out:
        package = ("'malariascope[train]'" if left_out[0] in (TRAINING, *TRAIN_MODULES)
                   else "malariascope")
        return (f"'{command}' needs the module '{left_out[0]}', which the app bundle leaves "
                f"out; run it from a Python install: pip install {package}")
    if module in TRAIN_MODULES:
        fix = "install with: pip install 'malariascope[train]'"
    else:
        fix = "install MalariaScope with its dependencies: pip install malariascope"
    return f"'{command}' needs the module '{module}', which is not installed here; {fix}"
