"""What every command shares: exit codes, argument types, one-line problems, progress, outputs.

Only the standard library is imported here at module level, so building the parser stays
instant; the core and tqdm are imported inside the functions that use them.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.words import THRESHOLD_DECIMALS, shortened

if TYPE_CHECKING:
    from tqdm import tqdm

    from malariascope.core.classifier import CallRule, Classifier

EXIT_OK = 0
EXIT_SOME_FAILED = 1  #: some images or fields were errors, missing, or the run was stopped
EXIT_USAGE = 2  #: a wrong argument, or a problem told in one line before any result
EXIT_NOTHING_READ = 2  #: a report was written, but no image in it could be screened
EXIT_INTERRUPTED = 130  #: the shell's code for a process stopped by Ctrl-C

MAX_SEED = 2**32 - 1  #: the largest seed NumPy (so ``keras.utils.set_random_seed``) takes


def number(low: float, high: float | None = None, *, whole: bool = False,
           open_ends: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number from ``low`` to ``high`` (no upper bound when None).

    Parameters
    ----------
    low, high
        The bounds; ``high=None`` allows any larger number.
    whole
        Only whole numbers (the value is then an ``int``).
    open_ends
        The bounds themselves are refused (a probability strictly between 0 and 1).
    """
    kind = "a whole number" if whole else "a number"
    if high is None:
        words = f"above {low}" if open_ends else f"of at least {low}"
    else:
        words = f"between {low} and {high}" if open_ends else f"from {low} to {high}"

    def within(value: float) -> bool:
        above = value > low if open_ends else value >= low
        below = high is None or (value < high if open_ends else value <= high)
        return (isinstance(value, int) or math.isfinite(value)) and above and below

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            value = math.nan
        if not within(value):
            raise argparse.ArgumentTypeError(f"must be {kind} {words}, got {text!r}")
        return value

    return parse


def path_argument(text: str) -> Path:
    """An argparse type: a path, refused when empty. ``Path("")`` is the current folder, so
    an empty argument (a shell variable unset in quotes) would screen or write there. A
    relative path is refused when the working folder has been deleted (a terminal left in a
    folder since removed): it names nothing, and every step would fail on it differently. So
    is a path too long for the system to look up (a name over 255 bytes, a path over 4,096 on
    Linux): each look at it would fail."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path names nothing: give a file or folder")
    try:
        os.lstat(text)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise argparse.ArgumentTypeError(
                f"'{printable(shortened(text))}' is too long a path for this system "
                f"({exc.strerror}): shorten its names or the path") from None
    path = Path(text)
    if not path.is_absolute():
        try:
            os.getcwd()
        except FileNotFoundError:
            raise argparse.ArgumentTypeError(
                f"'{printable(text)}' is relative to the working folder, which no longer exists: "
                "cd to a folder that exists, or give the full path") from None
    return path


def output_file_argument(text: str) -> Path:
    """An argparse type: a file to write, refused when empty or ``-``. No command writes its
    file to standard output, so ``-`` would make a file of that name where it was typed."""
    if text == "-":
        raise argparse.ArgumentTypeError("- would be a file named '-', not standard output: "
                                         "give a file name (./- for that file)")
    return path_argument(text)


_open_probability = number(0, 1, open_ends=True)


def probability(text: str) -> float:
    """Every ``--threshold``: a probability strictly between 0 and 1, with no more decimals
    than the report keeps, so the threshold the report shows is the one that made the calls."""
    value = _open_probability(text)
    if round(value, THRESHOLD_DECIMALS) != value:
        raise argparse.ArgumentTypeError(
            f"must have at most {THRESHOLD_DECIMALS} decimals, as the report keeps its "
            f"threshold, got {text!r}")
    return value


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--model`` and ``--backend``, as every command that screens takes them."""
    from malariascope.core.options import BACKENDS

    parser.add_argument("--model", type=path_argument, help="model card, model file, or "
                        "their folder (default: the bundled model)")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="what runs the model (default: a model file named runs as it is, "
                        "tensorflow a .keras file; else onnx; tensorflow needs the [train] "
                        "extra)")


def chosen_backend(model: Path | None, backend: str | None, verbose: bool = False) -> str:
    """The backend that runs ``--model`` (``core.backends.backend_for``); TensorFlow, when it
    is the one, is imported quietly unless ``verbose`` (``cli._tensorflow``)."""
    from malariascope.core.backends import backend_for

    chosen = backend_for(model, backend)
    if chosen == "tensorflow":
        from malariascope.cli._tensorflow import import_tensorflow

        import_tensorflow(verbose)
    return chosen


def model_inputs(model: Path | None) -> list[Path]:
    """The files ``--model`` is read from: its card and the model files it lists, inputs that
    no output may replace; named, not read (the run checks their hashes when it loads them).
    An adapted card's base is found only when it loads, so every file of its base's names in
    the places it is looked for is named. A card that does not load gives none: the command
    refuses that model itself, before it writes anything."""
    from malariascope.core.adapt.loading import base_inputs
    from malariascope.core.errors import ModelError
    from malariascope.core.modelcard import load_card

    try:
        card = load_card(model)
    except ModelError:
        return []
    folder, names = card.path.parent, [entry.name for entry in card.files.values()]
    if card.adapted is not None:
        return [card.path, *base_inputs(folder, names)]
    return [card.path, *(folder / name for name in names)]


def add_json_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json OUT`` and ``--overwrite``, for commands that print figures."""
    parser.add_argument("--json", type=output_file_argument, metavar="OUT",
                        help="also write the figures as JSON")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --json")


def check_json_target(target: Path | None, overwrite: bool, inputs: Sequence[Path] = ()) -> None:
    """Refuse a ``--json`` place before any work (see :func:`check_output_file`)."""
    check_output_file(target, overwrite, "--json", "the figures", inputs)


def check_output_file(target: Path | None, overwrite: bool, option: str, what: str,
                      inputs: Sequence[Path] = (), taken: Mapping[str, Path] | None = None
                      ) -> None:
    """Refuse the place of a file ``option`` before any work: a folder, a missing or read-only
    folder, a name too long, an existing file without ``--overwrite``, one of the command's
    inputs (a file, or an image in an input folder), and a place the command's other outputs
    (``taken``) will be written to.

    Parameters
    ----------
    target
        The file named (nothing is checked when None).
    overwrite, option, what
        Whether ``--overwrite`` was given, the option's name and what the file holds.
    inputs, taken
        The command's input files and folders, and its other output files by what they
        are (e.g. ``{"--csv report": path}``).
    """
    if target is None:
        return
    from malariascope.core.errors import (
        CompressedNameError,
        ImageNameError,
        OutputIsInputError,
        ReportError,
    )
    from malariascope.core.targets import check_file_target, same_place

    for role, other in (taken or {}).items():
        if same_place(target, other):
            alias = "" if os.path.abspath(target) == os.path.abspath(other) else (
                f", {other}, by another name")
            raise ReportError(f"{option} {target} is the {role}{alias}: name another file")
    try:
        with in_cli_words():
            check_file_target(target, overwrite, what, inputs)
    except (OutputIsInputError, ImageNameError, CompressedNameError) as exc:  # by its option
        raise type(exc)(f"{option} {exc}") from None


def write_json(target: Path | None, figures: dict, overwrite: bool) -> None:
    """Write the figures to ``--json`` when one was given (over a file there only when
    ``overwrite``, as it was checked before the work)."""
    if target is not None:
        from malariascope.core.jsonwrite import write_json as write

        write(target, figures, overwrite)


def call_rule(classifier: Classifier, threshold: float | None) -> CallRule:
    """The model card's call rule, moved to ``--threshold`` when one is given."""
    rule = classifier.rule
    return rule if threshold is None else rule.with_threshold(threshold)


def add_split_arguments(parser: argparse.ArgumentParser) -> None:
    """``--test-per-class`` and ``--seed``, which decide the split of the published layout."""
    from malariascope.core.options import TEST_PER_CLASS

    parser.add_argument("--test-per-class", type=number(1, whole=True), metavar="N",
                        help="split class folders as published: about N test cells per class, "
                        f"whole slides (default {TEST_PER_CLASS:,})")
    parser.add_argument("--seed", type=number(0, MAX_SEED, whole=True), default=1, metavar="N",
                        help="random seed, so that a run can be repeated (default: %(default)s)")


@contextlib.contextmanager
def in_cli_words() -> Iterator[None]:
    """An existing report, model or split is refused with the CLI's way to allow it."""
    from malariascope.core.errors import FolderNotEmptyError, ModelExistsError, ReportExistsError

    try:
        yield
    except ReportExistsError as exc:  # or one that appeared while the batch ran
        raise type(exc)(exc.path, "pass --overwrite") from None
    except ModelExistsError as exc:
        raise ModelExistsError(exc.folder, exc.names, "pass --overwrite") from None
    except FolderNotEmptyError as exc:
        raise FolderNotEmptyError(exc.folder, "pass --overwrite") from None


def problem(line: str) -> None:
    """One line on stderr, above a progress bar when one is drawn (not through it)."""
    from tqdm import tqdm

    tqdm.write(printable(line), file=sys.stderr)


def printable(text: str) -> str:
    """``text`` with what a terminal would not show as text written as escapes (``\\n``,
    ``\\x1b``): a file name may hold a line break, which would split a problem's one line, or
    an escape sequence, which the terminal would obey (erase the line, retitle the window)."""
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    """The escape of a character a terminal would not show. A byte of a name that is not
    UTF-8 reaches Python as a surrogate (U+DC80 to U+DCFF): it is written as the byte,
    ``\\xe9``, as the report's ``image_path`` writes it."""
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode()


def progress_bar(unit: str, total: int | None = None) -> tqdm:
    """A progress bar on stderr, drawn only when stderr is a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr)
