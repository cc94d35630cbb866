"""Where output files go, checked before any work: a wrong place costs nothing yet.

A target is refused when it is a folder, a symbolic link, a pipe or a device (even when
overwriting is allowed), when it exists and replacing it was not asked, when its folder does
not exist or takes no new file (read-only, locked), when its name is longer than its folder
takes or ends in an image's suffix (a later run over its folder would screen it) or a
compressed file's (every output is written uncompressed), and when it is one of the run's
inputs: a file named as an input, or an image in an input folder, is never replaced by a
report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from malariascope.core.atomic import temp_beside, why
from malariascope.core.errors import (
    CompressedNameError,
    ImageNameError,
    NotAFileError,
    OutputIsInputError,
    ReportError,
    ReportExistsError,
)
from malariascope.core.imageio import is_image_path, kind_of
from malariascope.core.summary import summary_path

NAME_MAX = 255  # where the system does not say: Windows, and most file systems elsewhere
#: Suffixes of compressed files, in any letter case: no output is written compressed
COMPRESSED_SUFFIXES = (".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".lzma", ".lz",
                       ".lz4", ".zst", ".zstd", ".br", ".z", ".zip", ".7z", ".rar")


def check_target(path: Path, overwrite: bool = False, inputs: Iterable[Path] = ()) -> None:
    """:func:`check_file_target` for a report and its summary."""
    inputs = list(inputs)
    check_file_target(path, overwrite, "the report", inputs)
    check_file_target(summary_path(path), overwrite, f"the summary of {path.name}", inputs)


def check_file_target(path: Path, overwrite: bool = False, what: str = "the report",
                      inputs: Iterable[Path] = ()) -> None:
    """Refuse a place ``what`` cannot go, before the work that fills it.

    Parameters
    ----------
    path, overwrite
        The file to write, and whether an existing one there may be replaced.
    what
        The file in the user's words, for the messages.
    inputs
        The files and folders the run reads: never a target.
    """
    if not path.parent.is_dir():
        raise ReportError(why_no_folder(path.parent))
    inputs = list(inputs)
    _check_name(path, what)
    _refuse_special(path, what)
    refuse_inputs(path, inputs, what)
    _refuse_image_name(path, what, inputs)
    _refuse_compressed_name(path, what)
    if path.exists() and not overwrite:
        raise ReportExistsError(path)
    try:
        temp_beside(path).unlink()
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {why(exc)}") from exc


def _refuse_special(path: Path, what: str) -> None:
    """NotAFileError when something other than a regular file is at ``path``: renaming a
    report onto a link, a pipe or a device would replace it, not write through it."""
    if path.is_symlink():
        raise NotAFileError(f"{path} is a symbolic link: name a file for {what}")
    if path.is_dir():
        raise NotAFileError(f"{path} is a folder: name a file for {what}")
    if path.exists() and not path.is_file():
        kind = kind_of(path.stat().st_mode) or "something else"
        raise NotAFileError(f"{path} is not a regular file but {kind}: name a file for {what}")


def why_no_folder(path: Path) -> str:
    """Why ``path``, which is no folder, cannot be used as one: a file is there, a symbolic
    link that leads nowhere (its target gone, or a loop back to itself), or nothing."""
    if path.exists():
        return f"not a folder: {path}"
    if path.is_symlink():
        return (f"folder does not exist: {path} is a symbolic link to {os.readlink(path)}, "
                "which leads nowhere (missing, or a loop of links)")
    return f"folder does not exist: {path}"


def same_place(first: Path, second: Path) -> bool:
    """True when ``first`` and ``second`` name one file or folder, existing or to be made:
    the same path once links are followed (``./r.csv``, a linked folder), in any letter case
    where the system ignores it (Windows, and by default macOS), or one file both reach."""
    one, other = os.path.realpath(first), os.path.realpath(second)
    if os.path.normcase(one) == os.path.normcase(other):
        return True
    if first.exists() and second.exists():
        return os.path.samefile(first, second)
    return one.casefold() == other.casefold() and _ignores_case(os.path.dirname(one))


def _ignores_case(folder: str) -> bool:
    """True when ``folder`` is found by its name in other letter case: its disk ignores
    case, so two names that differ only in case are one file there."""
    swapped = folder.swapcase()
    try:
        return swapped != folder and os.path.samefile(folder, swapped)
    except OSError:  # either is missing or cannot be looked at: not one folder by two names
        return False


def refuse_inputs(path: Path, inputs: Iterable[Path], what: str) -> None:
    """OutputIsInputError when ``path`` is one of the input files among ``inputs`` (however
    reached: a link, another spelling). What an input folder holds is read only by image
    name, which :func:`check_file_target` refuses anywhere."""
    for given in inputs:
        if (not given.is_dir() and path.exists() and given.exists()
                and os.path.samefile(path, given)):
            raise OutputIsInputError(f"{path} is an input file ({given}): name another "
                                     f"file for {what}")


def _refuse_image_name(path: Path, what: str, inputs: list[Path]) -> None:
    """ImageNameError when ``path`` ends in an image's suffix: a run over its folder would
    screen it, and in an input folder it may be one of this run's images."""
    if not is_image_path(path):
        return
    for given in inputs:
        if given.is_dir() and inside(path, given):
            raise ImageNameError(f"{path} is an image name in the input folder {given}: "
                                 f"name another file for {what}")
    raise ImageNameError(f"{path} ends in {path.suffix}, an image's suffix: a run over its "
                         f"folder would screen {what} as an image; name another file")


def _refuse_compressed_name(path: Path, what: str) -> None:
    """CompressedNameError when ``path`` ends in a compressed file's suffix (``r.csv.gz``):
    the plain file written there would not open as its name says, nor would its summary,
    named from it (``r.csv_summary.gz``)."""
    if path.suffix.lower() in COMPRESSED_SUFFIXES:
        raise CompressedNameError(f"{path} ends in {path.suffix}, a compressed file's suffix, "
                                  f"but {what} would be written uncompressed, and not open as "
                                  "such; name another file")


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies below it, however either is spelled (a link,
    ``..``); neither needs to exist."""
    return path.resolve().is_relative_to(folder.resolve())


def _check_name(path: Path, what: str) -> None:
    """ReportError when ``path``'s name is longer than its folder takes."""
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf on Windows
        limit = NAME_MAX
    size = len(path.name) if os.name == "nt" else len(os.fsencode(path.name))
    if size > limit:
        raise ReportError(f"the name of {what}, {path.name}, is too long for a file in "
                          f"{path.parent} ({size} of at most {limit}): choose a shorter name")
